"""iCalendar (RFC 5545) feeds, written by hand: CRLF lines, escaping, folding at 75 octets.

Times are UTC (``DTSTART:20270105T190000Z``), which every calendar app reads and shows in its
own time zone. Each meeting has a stable UID; SEQUENCE goes up when it is moved or cancelled
and when a moderator releases a held note about it, and a cancelled meeting stays in the feed
with STATUS:CANCELLED so apps remove it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from peerhaven.groups.models import Meeting, MeetingStatus

PRODID = "-//Peerhaven//Support groups//EN"


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (never splitting a character)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size = " ", 1  # continuation lines start with one space
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "peerhaven"
    return f"meeting-{meeting.pk}@{host}"


def event_lines(meeting: Meeting, now: datetime) -> list[str]:
    group = meeting.group
    url = settings.SITE_URL.rstrip("/") + reverse("groups:detail", args=[group.slug])
    description = group.description or group.topic
    if meeting.public_change_note:
        description = f"{meeting.public_change_note}\n\n{description}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(meeting)}",
        f"DTSTAMP:{stamp(now)}",
        f"DTSTART:{stamp(meeting.starts_at)}",
        f"DTEND:{stamp(meeting.ends_at)}",
        f"SEQUENCE:{meeting.sequence}",
        f"SUMMARY:{escape(group.name)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        f"LAST-MODIFIED:{stamp(meeting.updated_at)}",
    ]
    if group.address:
        lines.append(f"LOCATION:{escape(group.address)}")
    status = "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"
    lines.append(f"STATUS:{status}")
    lines.append("END:VEVENT")
    return lines


def calendar(meetings: Iterable[Meeting], *, name: str, now: datetime | None = None) -> str:
    at = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for meeting in meetings:
        lines.extend(event_lines(meeting, at))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
