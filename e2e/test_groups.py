"""A live support-group meeting in real browsers: two members and a facilitator.

They chat, do a check-in round, one member loses the connection and gets what they missed on
reconnecting, and the facilitator ends the meeting, which records attendance. The room needs
the ASGI stack (WebSockets), so the pages are served by uvicorn in a thread on the test database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser import serious_violations
from django.utils import timezone
from people import person, sign_in
from playwright.sync_api import Page, expect

from peerhaven.accounts.models import Role, User
from peerhaven.groups import services
from peerhaven.groups.models import (
    Attendance,
    Facilitator,
    FacilitatorTraining,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    RoomMessage,
    SupportGroup,
)


def _facilitator(name: str) -> User:
    """A peer supporter with a current facilitator training."""
    user = person(name, roles=(Role.PEER_SUPPORTER,))
    today = timezone.now().date()
    FacilitatorTraining.objects.create(
        peer_supporter=user,
        completed_on=today - timedelta(days=10),
        trainer="Trainer",
        expires_on=today + timedelta(days=300),
    )
    return user


def _log(page: Page) -> Any:
    return page.locator("#room-log")


def test_two_members_and_a_facilitator_meet_in_the_live_room(
    new_page: Callable[..., Page], asgi_url: str
) -> None:
    facilitator = _facilitator("Gentle Beacon")
    ana = person("Quiet Harbor")
    ben = person("Soft Meadow")
    group = SupportGroup.objects.create(
        name="Evening Circle",
        slug="evening-circle",
        topic="Young adults",
        agreement_text="What is said here stays here.",
        time_zone="Europe/London",
    )
    Facilitator.objects.create(group=group, user=facilitator)
    for user in (ana, ben):
        Membership.objects.create(group=group, user=user, status="active")
    start = timezone.now() + timedelta(minutes=5)
    meeting = Meeting.objects.create(
        group=group, starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    room = f"{asgi_url}/groups/meetings/{meeting.pk}/room/"

    pages = {}
    for user in (facilitator, ana, ben):
        page = new_page(viewport="desktop" if user is facilitator else "phone")
        sign_in(page, user, asgi_url)
        page.goto(room)
        expect(page.locator("#room-status")).to_have_text("Connected.")
        pages[user.pk] = page
    fac, a, b = pages[facilitator.pk], pages[ana.pk], pages[ben.pk]
    expect(fac.locator("#room-present li")).to_have_count(3)

    # Welcome and chat.
    fac.get_by_role("button", name="Post welcome and guidelines").click()
    expect(_log(a)).to_contain_text("What is said here stays here.")
    a.get_by_label("Your message").fill("Hi all, <b>glad</b> to be here")
    a.get_by_role("button", name="Send").click()
    expect(_log(b)).to_contain_text("Hi all, <b>glad</b> to be here")  # text, never markup
    expect(_log(fac)).to_contain_text("Quiet Harbor:")

    # A message at risk brings crisis help into the room for its author, and only for them.
    expect(b.locator("#room-help")).to_be_hidden()
    b.get_by_label("Your message").fill("Honestly I keep thinking about killing myself.")
    b.get_by_role("button", name="Send").click()
    expect(b.locator("#room-help")).to_be_visible()
    expect(b.locator("#room-help .crisis-lines")).to_be_visible()
    expect(a.locator("#room-help")).to_be_hidden()

    # Check-in round: facilitator first, then each member shares or passes.
    fac.get_by_role("button", name="Start check-in round").click()
    expect(fac.locator("#checkin-turn")).to_have_text("Check-in: it is your turn. Share, or pass.")
    expect(a.locator("#checkin-turn")).to_contain_text("Gentle Beacon")
    fac.get_by_role("button", name="I'm done").click()
    expect(a.locator("#checkin-turn")).to_have_text("Check-in: it is your turn. Share, or pass.")
    a.get_by_label("Your message").fill("A hard week, but I came.")
    a.get_by_role("button", name="Send").click()
    a.get_by_role("button", name="I'm done").click()
    expect(b.locator("#checkin-turn")).to_have_text("Check-in: it is your turn. Share, or pass.")
    b.get_by_role("button", name="Pass").click()
    expect(fac.locator("#checkin-turn")).to_be_hidden()

    # Ben's connection drops for a few seconds; Ana writes meanwhile; Ben gets it on resume.
    b.evaluate(
        "document.getElementById('room')"
        ".dispatchEvent(new CustomEvent('room:drop', {detail: 4000}))"
    )
    expect(b.locator("#room-status")).to_have_text("Connection lost; reconnecting…")
    a.get_by_label("Your message").fill("Ben, we missed you for a moment")
    a.get_by_role("button", name="Send").click()
    expect(_log(fac)).to_contain_text("Ben, we missed you for a moment")
    expect(b.locator("#room-status")).to_have_text("Connected.", timeout=15_000)
    expect(_log(b).get_by_text("Ben, we missed you for a moment")).to_have_count(1)

    # The facilitator ends the meeting; attendance is recorded for all three.
    fac.on("dialog", lambda dialog: dialog.accept())
    fac.get_by_role("button", name="End meeting").click()
    for page in (fac, a, b):
        expect(page.locator("#after-link")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ENDED
    attended = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    assert attended == {facilitator.pk, ana.pk, ben.pk}
    assert RoomMessage.objects.filter(meeting=meeting, body__startswith="Ben, we").count() == 1

    # Afterwards: Ana answers the mood question.
    a.locator("#after-link").click()
    a.get_by_label("4", exact=True).check()
    a.get_by_role("button", name="Send").click()
    expect(a.get_by_text("You answered 4 out of 5.")).to_be_visible()


@pytest.mark.parametrize("look", ["light", "dark"])
def test_group_pages_have_no_serious_accessibility_violations(
    new_page: Callable[..., Page],
    live_server: Any,
    axe: Callable[[Page], dict[str, Any]],
    look: str,
) -> None:
    facilitator = _facilitator("Gentle Beacon")
    member = person("Quiet Harbor")
    group = SupportGroup.objects.create(
        name="Evening Circle",
        slug="evening-circle",
        topic="Young adults",
        agreement_text="What is said here stays here.",
        time_zone="Europe/London",
    )
    Facilitator.objects.create(group=group, user=facilitator)
    Membership.objects.create(group=group, user=member, status="active")
    start = timezone.now() + timedelta(minutes=5)
    meeting = Meeting.objects.create(
        group=group, starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    MeetingSeries.objects.create(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=timezone.localdate(),
        local_start=time(19, 0),
    )
    problems: list[str] = []
    for user, paths in (
        (
            member,
            ("/groups/", "/groups/g/evening-circle/", f"/groups/meetings/{meeting.pk}/after/"),
        ),
        (
            facilitator,
            (
                f"/groups/meetings/{meeting.pk}/room/",
                "/groups/g/evening-circle/manage/",
                "/groups/g/evening-circle/schedule/",
                f"/groups/meetings/{meeting.pk}/after/",
            ),
        ),
    ):
        page = new_page(viewport="phone", color_scheme=look)
        sign_in(page, user, live_server.url)
        for path in paths:
            page.goto(path)
            problems += serious_violations(axe(page), path)
    assert not problems, "\n".join(problems)


def test_a_facilitator_changes_the_schedule_in_the_browser(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    facilitator = _facilitator("Gentle Beacon")
    member = person("Quiet Harbor")
    group = SupportGroup.objects.create(
        name="Evening Circle",
        slug="evening-circle",
        topic="Young adults",
        agreement_text="What is said here stays here.",
        time_zone="Europe/London",
    )
    Facilitator.objects.create(group=group, user=facilitator)
    Membership.objects.create(group=group, user=member, status="active")
    series = MeetingSeries.objects.create(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=timezone.localdate(),
        local_start=time(19, 0),
    )
    services.generate_meetings(series=series, weeks=4)
    page = new_page(viewport="phone")
    sign_in(page, facilitator, live_server.url)
    page.goto("/groups/g/evening-circle/manage/")
    page.get_by_role("link", name="Edit the meeting schedule").click()
    card = page.locator("section.card").first
    expect(card.get_by_role("heading")).to_have_text(
        "Every week on Tuesday at 19:00 (Europe/London)"
    )

    # A mistake first: the page says what is wrong and keeps what was typed.
    card.get_by_text("Change this schedule").click()
    card.get_by_label("How often").select_option("every_other_week")
    card.get_by_label("Day of the week").select_option("TH")
    card.get_by_label("Start time (the group's local time)").fill("18:15")
    card.get_by_label("The group's time zone (IANA, e.g. Europe/London)").fill("Moon/Base")
    card.get_by_role("button", name="Save the schedule").click()
    card = page.locator("section.card").first
    expect(card.get_by_role("alert")).to_contain_text("is not a time zone we know")
    expect(card.get_by_label("Start time (the group's local time)")).to_have_value("18:15")
    expect(card.get_by_label("How often")).to_have_value("every_other_week")

    card.get_by_label("The group's time zone (IANA, e.g. Europe/London)").fill("Europe/London")
    card.get_by_role("button", name="Save the schedule").click()
    expect(page.locator("section.card").first.get_by_role("heading")).to_have_text(
        "Every other week on Thursday at 18:15 (Europe/London)"
    )
    expect(page.get_by_text("Members were told.")).to_be_visible()
    upcoming = Meeting.objects.filter(
        series=series, starts_at__gt=timezone.now(), status=MeetingStatus.SCHEDULED
    )
    assert upcoming.exists()
    london = ZoneInfo("Europe/London")
    assert {m.starts_at.astimezone(london).strftime("%a %H:%M") for m in upcoming} == {"Thu 18:15"}


def test_a_member_who_leaves_the_group_is_closed_out_of_the_room(
    new_page: Callable[..., Page], asgi_url: str
) -> None:
    facilitator = _facilitator("Gentle Beacon")
    ana = person("Quiet Harbor")
    group = SupportGroup.objects.create(
        name="Evening Circle",
        slug="evening-circle",
        topic="Young adults",
        agreement_text="What is said here stays here.",
        time_zone="Europe/London",
    )
    Facilitator.objects.create(group=group, user=facilitator)
    Membership.objects.create(group=group, user=ana, status="active")
    start = timezone.now() + timedelta(minutes=5)
    meeting = Meeting.objects.create(
        group=group, starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    room = new_page(viewport="desktop")
    sign_in(room, ana, asgi_url)
    room.goto(f"{asgi_url}/groups/meetings/{meeting.pk}/room/")
    expect(room.locator("#room-status")).to_have_text("Connected.")
    # In another tab she leaves the group; her next message is refused and the room says why.
    other = room.context.new_page()
    other.goto(f"{asgi_url}/groups/g/evening-circle/")
    other.get_by_role("button", name="Leave this group").click()
    expect(other.get_by_text("You have left the group.")).to_be_visible()
    room.get_by_label("Your message").fill("Am I still here?")
    room.get_by_role("button", name="Send").click()
    expect(room.locator("#room-status")).to_contain_text("no longer taking part in this group")
    expect(room.locator("#room-log")).not_to_contain_text("Am I still here?")
    assert not RoomMessage.objects.filter(meeting=meeting, author=ana).exists()
