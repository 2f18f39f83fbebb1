"""Dates on the clinical pages, in the site's style ("26 Nov 2026") and the reader's own zone.

``{{ consent.expires_at|local_date:user }}`` and ``{{ event.created_at|local_datetime:user }}``:
``user`` is the person reading the page (the clinician on their pages, the member on theirs),
whose ``time_zone`` decides the day (see ``accounts.local_time``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import formats

from peerhaven.accounts.local_time import local_text

register = template.Library()

DATE = "j M Y"
DATETIME = "j M Y, H:i"


def _format(value: Any, user: Any, fmt: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        return local_text(value, user, fmt)
    if isinstance(value, date):
        return formats.date_format(value, DATE)
    return str(value)


@register.filter
def local_date(value: Any, user: Any = None) -> str:
    """``value`` as "26 Nov 2026", on the day it was in ``user``'s zone."""
    return _format(value, user, DATE)


@register.filter
def local_datetime(value: Any, user: Any = None) -> str:
    """``value`` as "26 Nov 2026, 14:05" in ``user``'s zone."""
    return _format(value, user, DATETIME)
