"""iCalendar feeds: RFC 5545 text that a calendar app reads, reachable by secret token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from peerhaven.accounts.models import User
from peerhaven.groups import ical, services
from peerhaven.groups.models import Meeting, SupportGroup

pytestmark = pytest.mark.django_db


def parse(text: str) -> list[dict[str, str]]:
    """A minimal RFC 5545 reader: CRLF lines, unfolding, one dict per component."""
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw)
    assert "\n" not in "".join(raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    stack: list[dict[str, str]] = []
    out: list[dict[str, str]] = []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append({"_": value})
        elif name == "END":
            comp = stack.pop()
            assert comp["_"] == value
            out.append(comp)
        else:
            stack[-1][name] = value
    assert not stack
    return out


def unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def test_escaping_and_folding_survive_a_round_trip(group: SupportGroup, meeting: Meeting) -> None:
    group.name = "Men's group; Tuesdays, \\ back room"
    group.description = "Line one\nLine two — ünïcödé " + "long " * 40
    group.save()
    comps = parse(ical.calendar([meeting], name="Test"))
    cal = comps[-1]
    assert cal["_"] == "VCALENDAR" and cal["VERSION"] == "2.0" and cal["PRODID"]
    event = comps[0]
    assert unescape(event["SUMMARY"]) == group.name
    assert unescape(event["DESCRIPTION"]) == group.description
    assert event["DTSTART"] == meeting.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert event["DTEND"].endswith("Z")
    assert event["UID"] == f"meeting-{meeting.pk}@127.0.0.1:8000"
    assert event["SEQUENCE"] == "0"
    assert event["STATUS"] == "CONFIRMED"


def test_moved_and_cancelled_meetings_bump_sequence_and_status(
    group: SupportGroup, meeting: Meeting, facilitator: User
) -> None:
    services.move_meeting(
        meeting=meeting, actor=facilitator, starts_at=meeting.starts_at + timedelta(hours=1)
    )
    services.cancel_meeting(meeting=meeting, actor=facilitator)
    meeting.refresh_from_db()
    event = parse(ical.calendar([meeting], name="x"))[0]
    assert event["SEQUENCE"] == "2"
    assert event["STATUS"] == "CANCELLED"


def test_member_feed_is_reachable_by_token_without_a_session(
    client: Client,
    group: SupportGroup,
    meeting: Meeting,
    member: User,
    make_group: Callable[..., SupportGroup],
    make_meeting: Callable[..., Meeting],
) -> None:
    other = make_meeting(make_group())
    feed = services.calendar_feed_for(member)
    response = client.get(reverse("groups:ical_member", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    uids = [c["UID"] for c in parse(response.content.decode()) if c["_"] == "VEVENT"]
    assert uids == [ical.uid(meeting)]
    assert ical.uid(other) not in uids


def test_group_feed_needs_the_right_token(
    client: Client, group: SupportGroup, meeting: Meeting, member: User
) -> None:
    token = services.calendar_feed_for(member).group_token(group.pk)
    good = reverse("groups:ical_group", args=[group.slug, token])
    assert client.get(good).status_code == 200
    bad = reverse("groups:ical_group", args=[group.slug, "guessed-token"])
    assert client.get(bad).status_code == 404
    assert client.get(reverse("groups:ical_member", args=["guessed"])).status_code == 404


def test_member_who_left_no_longer_sees_meetings_in_their_feed(
    client: Client, group: SupportGroup, meeting: Meeting, member: User
) -> None:
    feed = services.calendar_feed_for(member)
    services.leave_group(group=group, user=member)
    body = client.get(reverse("groups:ical_member", args=[feed.token])).content.decode()
    assert "VEVENT" not in body


def test_member_feed_reads_in_a_calendar_library(
    client: Client, group: SupportGroup, meeting: Meeting, member: User, facilitator: User
) -> None:
    """`icalendar` (used by many calendar tools) reads the feed: events, times, cancellations."""
    import icalendar  # a test dependency in requirements.lock

    group.name = "Men's group; Tuesdays, \\ back room"
    group.save()
    later = services.move_meeting(
        meeting=meeting, actor=facilitator, starts_at=meeting.starts_at + timedelta(hours=1)
    )
    feed = services.calendar_feed_for(member)
    body = client.get(reverse("groups:ical_member", args=[feed.token])).content
    cal = icalendar.Calendar.from_ical(body)
    assert not cal.errors
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert not event.errors
    assert str(event["SUMMARY"]) == group.name
    assert event.decoded("DTSTART") == later.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert int(str(event["SEQUENCE"])) == 1
    services.cancel_meeting(meeting=later, actor=facilitator)
    body = client.get(reverse("groups:ical_member", args=[feed.token])).content
    event = next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(str(event["SEQUENCE"])) == 2
