"""Text no database column can hold, refused before it reaches one.

A NUL character (``\\x00``, PostgreSQL refuses it in text) and an unpaired UTF-16 surrogate
(``"\\ud800"`` in JSON; not encodable as UTF-8 for any database) both used to reach the
database from JSON (the API, WebSocket frames) and answer 500 or drop a socket. Form-encoded
pages do not need this: Django's form fields refuse NUL and decoding replaces invalid bytes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_storable(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_storable(*values: str | None) -> None:
    """Raise a ValidationError (code ``bad_text``) naming the problem kindly, for every caller."""
    if not all(is_storable(value or "") for value in values):
        raise ValidationError(
            _("This text contains characters we cannot store. Please retype it."),
            code="bad_text",
        )


def row_id(raw: str | None) -> int | None:
    """A row id typed into a query string, form or cursor, or None when it is not one.

    ``str.isdigit`` alone lets "²" and other Unicode digits through, which ``int`` refuses (a
    500), and ids past 18 digits overflow a 64-bit column (a database error, another 500).
    """
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None
