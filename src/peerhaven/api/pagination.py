"""Keyset pagination: a cursor on an indexed, ordered column, never a deep OFFSET."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from ninja import Schema

from peerhaven.api.errors import ApiError

T = TypeVar("T")


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return int(settings.API_PAGE_SIZE)
    if limit < 1:
        raise ApiError(400, "bad_limit", "limit must be at least 1.")
    return min(limit, int(settings.API_MAX_PAGE_SIZE))


def keyset_page(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int | None,
    serialize: Callable[[Any], Any],
) -> dict[str, Any]:
    """Newest first by primary key. ``cursor`` is the last id of the previous page."""
    size = clamp_limit(limit)
    qs = queryset.order_by("-pk")
    if cursor:
        try:
            last = int(cursor)
        except ValueError:
            raise ApiError(400, "bad_cursor", "The cursor is not valid.") from None
        qs = qs.filter(pk__lt=last)
    rows: Sequence[Any] = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return {
        "items": [serialize(r) for r in rows],
        "next_cursor": str(rows[-1].pk) if more and rows else None,
    }
