"""Peer mentoring in a real browser: intake, three explained suggestions, a request the mentor
accepts, live messages both ways, a goal with a step done, an ending with the exit survey, and
an admin running cohort matching."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from people import person, sign_in

from peerhaven.accounts.models import Role, User
from peerhaven.mentoring import services
from peerhaven.mentoring.models import (
    ExperienceTag,
    Goal,
    Mentorship,
    MentorshipRequest,
    TrainingRecord,
)

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

EVENINGS = [[0, 18 * 60, 21 * 60], [2, 18 * 60, 21 * 60]]


def _tag(slug: str, label: str) -> ExperienceTag:
    # Browser tests run on a flushed database: the seeding migration's rows may be gone.
    tag, _created = ExperienceTag.objects.get_or_create(slug=slug, defaults={"label": label})
    return tag


def _mentor(name: str, tags: list[ExperienceTag], *, capacity: int = 2) -> User:
    user = person(name, roles=(Role.PEER_SUPPORTER,), time_zone="Europe/London")
    services.save_mentor_profile(
        user=user,
        tags=tags,
        languages=["en"],
        time_zone="Europe/London",
        availability=EVENINGS,
        capacity=capacity,
        story=f"{name} has walked this road and came through it.",
    )
    today = timezone.localdate()
    TrainingRecord.objects.create(
        mentor=user,
        course="Peer mentoring foundations",
        completed_on=today - dt.timedelta(days=30),
        trainer="Training team",
        expires_on=today + dt.timedelta(days=300),
    )
    return user


def test_intake_suggestions_request_accept_messages_goal_end_and_cohort_matching(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    services._index_cache.clear()
    grief, carer = _tag("bereavement", "Bereavement"), _tag("carer", "Carer")
    student = _tag("student", "Student")
    best = _mentor("Kind Beacon", [grief, carer])
    _mentor("Gentle Fjord", [grief])
    _mentor("Bright Orchard", [student])
    _mentor("Still Meadow", [student])
    member = person("Quiet Harbor", time_zone="Europe/London")
    admin = person("Orchard Keeper", roles=(Role.ADMIN,), time_zone="Europe/London")

    # The member completes the intake.
    mentee = new_page()
    sign_in(mentee, member, live_server.url)
    mentee.goto("/mentoring/")
    mentee.get_by_role("link", name="Find a mentor").click()
    expect(mentee.get_by_role("heading", level=1)).to_have_text("Find a mentor")
    mentee.get_by_label("What would you like support with?").fill(
        "I lost my dad last spring and I look after my mum now."
    )
    mentee.locator("#id_tags").get_by_label("Bereavement").check()
    mentee.locator("#id_tags").get_by_label("Carer").check()
    mentee.locator("#id_priority_tags").get_by_label("Bereavement").check()
    mentee.locator("#id_languages").get_by_label("English").check()
    mentee.get_by_label("Your time zone").select_option("Europe/London")
    mentee.get_by_label(re.compile("When you are free")).fill("Mon 18:00-21:00; Wed 19:00-21:00")
    mentee.get_by_role("button", name="Show my suggestions").click()

    # Three suggestions, each with a score and a plain explanation per component.
    expect(mentee.get_by_role("heading", level=1)).to_have_text("Suggested mentors")
    cards = mentee.locator("li.suggestion")
    expect(cards).to_have_count(3)
    first = cards.first
    expect(first.get_by_role("heading", level=2)).to_contain_text("Kind Beacon")
    expect(first.locator("table.explain tbody tr")).to_have_count(5)
    expect(first).to_contain_text("Has lived experience of 2 of the 2 things you named")
    expect(first).to_contain_text("hours a week")
    first.get_by_role("button", name="Ask Kind Beacon to mentor me").click()
    expect(mentee.get_by_role("status")).to_contain_text("We have asked Kind Beacon")
    assert MentorshipRequest.objects.get().mentor == best

    # The mentor accepts from their inbox.
    mentor_page = new_page(viewport="desktop")
    sign_in(mentor_page, best, live_server.url)
    mentor_page.goto("/mentoring/")
    mentor_page.get_by_role("link", name=re.compile("1 request waiting")).click()
    mentor_page.get_by_role("button", name="Accept Quiet Harbor").click()
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Mentoring Quiet Harbor")
    mentorship = Mentorship.objects.get()

    # Messages arrive live both ways; text is shown as text, never as markup.
    mentee.goto("/mentoring/")
    mentee.get_by_role("link", name="Mentored by Kind Beacon").click()
    expect(mentee.get_by_role("heading", level=1)).to_have_text("Your mentor: Kind Beacon")
    mentee.get_by_label("Your message").fill("Hello! Thank you for saying yes <b>really</b>.")
    mentee.get_by_role("button", name="Send").click()
    mentee_thread = mentee.locator("#thread")
    expect(mentee_thread).to_contain_text("<b>really</b>")
    expect(mentee_thread.locator("b")).to_have_count(0)
    expect(mentor_page.locator("#thread")).to_contain_text("Thank you for saying yes")
    mentor_page.get_by_label("Your message").fill("Glad to meet you. What would help most?")
    mentor_page.get_by_role("button", name="Send").click()
    expect(mentee_thread).to_contain_text("What would help most?")

    # The mentee sets a goal and marks a step done; the mentor sees the progress.
    mentee.get_by_label("Your goal").fill("Get outside every day")
    mentee.get_by_label("Steps, one per line").fill("Open the curtains by ten\nWalk to the shop")
    mentee.get_by_role("button", name="Save the goal").click()
    expect(mentee.get_by_role("heading", name="Get outside every day")).to_be_visible()
    mentee.get_by_role("button", name="Mark “Open the curtains by ten” done").click()
    expect(mentee.locator("article.goal")).to_contain_text("50% done")
    assert Goal.objects.get().owner == member
    mentor_page.reload()
    expect(mentor_page.locator("article.goal")).to_contain_text("50% done")

    # The mentee ends the mentorship with the exit survey.
    mentee.get_by_role("link", name="End the mentorship").click()
    mentee.locator("#id_helpfulness_4").check()
    mentee.get_by_label("We reached what we set out to do").check()
    mentee.get_by_label(re.compile("Anything you would like to add")).fill("It helped a lot.")
    mentee.get_by_role("button", name="End the mentorship").click()
    expect(mentee.get_by_role("status")).to_contain_text("The mentorship has ended")
    expect(mentee.get_by_role("link", name="Find a new mentor")).to_be_visible()
    mentorship.refresh_from_db()
    assert mentorship.status == "ended" and mentorship.exit_helpfulness == 5
    assert mentorship.ended_by == member

    # An admin runs cohort matching for members waiting, reviews it and confirms.
    for name in ("Morning Fern", "Silver Brook"):
        waiting = person(name, time_zone="Europe/London")
        services.save_intake(
            member=waiting,
            support_text="",
            tags=[student],
            languages=["en"],
            time_zone="Europe/London",
            availability=EVENINGS,
        )
    staff = new_page(viewport="desktop")
    sign_in(staff, admin, live_server.url)
    staff.goto("/mentoring/admin/cohort/")
    staff.get_by_label(re.compile("Smallest score")).fill("0.1")
    staff.get_by_role("button", name="Run cohort matching").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Review cohort matching")
    expect(staff.locator("#optimal-matched")).to_have_text("3")
    expect(staff.locator("#greedy-total")).not_to_be_empty()
    staff.get_by_role("button", name="Confirm and create these mentorships").click()
    expect(staff.get_by_role("status")).to_contain_text("3 mentorships were created")
    assert Mentorship.objects.filter(cohort__isnull=False).count() == 3


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_mentoring_pages_have_no_serious_accessibility_violations(
    new_page: Callable[..., Page], live_server: Any, axe: Any, viewport: str, color_scheme: str
) -> None:
    from test_accessibility import assert_no_serious_violations

    services._index_cache.clear()
    grief = _tag("bereavement", "Bereavement")
    mentors = [_mentor(name, [grief]) for name in ("Kind Beacon", "Gentle Fjord", "Calm Willow")]
    member = person("Quiet Harbor", time_zone="Europe/London")
    services.save_intake(
        member=member,
        support_text="",
        tags=[grief],
        languages=["en"],
        time_zone="Europe/London",
        availability=EVENINGS,
    )
    req = services.request_mentor(mentee=member, mentor=mentors[0])
    mentorship = services.accept_request(req=req, mentor=mentors[0])
    services.send_message(mentorship=mentorship, sender=member, body="Hello there")
    services.create_goal(mentorship=mentorship, owner=member, title="Walk", steps=["Shoes"])
    services.log_session(
        mentorship=mentorship,
        mentor=mentors[0],
        held_on=timezone.localdate(),
        duration_minutes=30,
        topics="Getting started",
    )
    page = new_page(viewport=viewport, color_scheme=color_scheme)
    sign_in(page, member, live_server.url)
    for path in (
        "/mentoring/",
        "/mentoring/intake/",
        "/mentoring/suggestions/",
        f"/mentoring/m/{mentorship.pk}/",
        f"/mentoring/m/{mentorship.pk}/end/",
        "/mentoring/services/",
    ):
        page.goto(path)
        assert_no_serious_violations(page, axe)
    mentor_page = new_page(viewport=viewport, color_scheme=color_scheme)
    sign_in(mentor_page, mentors[0], live_server.url)
    for path in ("/mentoring/inbox/", "/mentoring/profile/", "/mentoring/caseload/"):
        mentor_page.goto(path)
        assert_no_serious_violations(mentor_page, axe)
