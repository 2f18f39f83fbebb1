"""Request parsing that refuses text no database column can hold.

JSON may carry NUL characters (``\\u0000``), which PostgreSQL text refuses, and unpaired
surrogates (``\\ud800``), which cannot be encoded as UTF-8 for any database: either used to
reach the database and answer 500. They are refused here, for every endpoint, with a 400.
Form-encoded web pages do not need this: Django's forms refuse NUL and decoding replaces
invalid bytes.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.types import DictStrAny

from peerhaven.web.inputs import is_storable

MESSAGE = "Text cannot contain NUL characters or unpaired surrogates."


def storable(value: Any) -> bool:
    """True if every string in ``value`` (a parsed JSON document) can be stored."""
    if isinstance(value, str):
        return is_storable(value)
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


class StorableTextParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        if not storable(data):
            # Django Ninja answers any parser error with 400 "Cannot parse request body".
            raise ValueError(MESSAGE)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        result = super().parse_querydict(data, list_fields, request)
        if not storable(result):
            raise HttpError(400, MESSAGE)
        return result
