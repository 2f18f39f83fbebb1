"""A moment in a member's own time zone, for text shown or sent to that member.

The zone is ``User.time_zone`` (an IANA name chosen in the preferences). A member with no zone,
or with a name that is not a zone this system knows (a typo, a folder such as ``America``, a
path), is shown UTC. Groups (meeting notices and reminders, the viewer's zone on group pages),
safety (when a mute or ban ends) and outcomes (the days check-ins are counted in) all resolve
the zone here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import formats, timezone

UTC = ZoneInfo("UTC")


def zone_named(name: str | None) -> ZoneInfo | None:
    """The IANA zone called ``name``; ``None`` when ``name`` is empty or not a known zone.

    Unknown names raise ``ZoneInfoNotFoundError``, malformed ones (absolute or ``..`` paths,
    a data file of the zone database) ``ValueError``, and a folder of zones (``America``)
    ``IsADirectoryError``: all of them mean "not a zone".
    """
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def member_zone(user: Any) -> ZoneInfo:
    """The member's own zone (``user.time_zone``), or UTC when they have none or it is invalid.

    ``user`` is anything with a ``time_zone`` attribute; without one (the anonymous user) the
    answer is UTC too.
    """
    zone = zone_named(getattr(user, "time_zone", None))
    return UTC if zone is None else zone


def local_text(
    at: datetime, user: Any, fmt: str = "DATETIME_FORMAT", *, with_zone: bool = False
) -> str:
    """``at`` (an aware datetime) as the member reads it: in their zone (see ``member_zone``).

    ``fmt`` is a Django date format: a format setting such as ``"DATETIME_FORMAT"`` (the
    active language's, e.g. "March 9, 2027, 2 p.m." in English) or format characters such as
    ``"j F Y, H:i"``. ``with_zone`` appends the zone's name in brackets,
    "March 9, 2027, 2 p.m. (America/New_York)"; the fallback reads "(UTC)".
    """
    zone = member_zone(user)
    text = formats.date_format(timezone.localtime(at, zone), fmt)
    return f"{text} ({zone.key})" if with_zone else text
