"""Check-ins in a real browser: baseline, a reminder later, a second check-in, the chart.

Time moves forward through the reminder service (``send_checkin_reminders(now=...)``) and by
moving the baseline back in the database, never by sleeping.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from browser import scrolls_sideways, serious_violations, sign_in
from django.utils import timezone
from people import PASSWORD, person

from peerhaven.outcomes import services
from peerhaven.outcomes.models import CheckInSchedule, InstrumentSetting, Response

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

NewPage = Callable[..., "Page"]
Axe = Callable[["Page"], dict[str, Any]]

# PHQ-9 answers by label: a baseline of 18, then 6 (a reliable improvement below the cut-off).
FREQUENCY = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
BASELINE = [2, 2, 2, 2, 2, 2, 3, 3, 0]
LATER = [1, 1, 1, 1, 1, 1, 0, 0, 0]


def answer(page: Page, label: str, *, keyboard: bool = False) -> None:
    option = page.get_by_label(label, exact=True)
    if keyboard:
        option.focus()
        page.keyboard.press("Space")
    else:
        option.check()
    expect(option).to_be_checked()
    page.get_by_role("button", name=re.compile(r"^Save and (continue|finish)$")).click()


def assert_accessible(page: Page, axe: Axe) -> None:
    """No serious or critical axe violations, and nothing scrolls sideways on a phone."""
    serious = serious_violations(axe(page), page.url)
    assert not serious, serious
    assert not scrolls_sideways(page), f"{page.url} scrolls sideways on a phone"


def take_phq9(page: Page, values: list[int], *, difficulty: str = "Somewhat difficult") -> None:
    for number, value in enumerate(values, start=1):
        expect(page.get_by_text(f"Question {number} of 10")).to_be_visible()
        answer(page, FREQUENCY[value], keyboard=number == 1)
    expect(page.get_by_text("Question 10 of 10")).to_be_visible()
    answer(page, difficulty)


def test_a_member_checks_in_is_reminded_checks_in_again_and_sees_reliable_change(
    new_page: NewPage, axe: Axe
) -> None:
    member = person(
        "Morning Wren", email="wren@example.org", time_zone="Europe/Dublin", country="IE"
    )
    InstrumentSetting.objects.create(instrument_id="ucla3", enabled=True)
    services.schedule_checkins(
        user=member, instrument_ids=["phq9", "ucla3"], cadence_days=14, source="group"
    )
    page = new_page(viewport="phone")
    sign_in(page, "wren@example.org", PASSWORD)

    expect(page.get_by_role("link", name="Check-ins: 2 check-ins are due")).to_be_visible()
    page.get_by_role("link", name="Check-ins: 2 check-ins are due").click()
    expect(page.get_by_text("Only you. Not other members")).to_be_visible()
    assert_accessible(page, axe)

    # Baseline PHQ-9, one question per screen.
    page.get_by_role("link", name="Start PHQ-9").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("PHQ-9"))
    page.get_by_role("button", name="Begin").click()
    expect(
        page.get_by_role("group", name="Little interest or pleasure in doing things")
    ).to_be_visible()
    assert_accessible(page, axe)
    take_phq9(page, BASELINE)
    expect(page.get_by_text("Thank you. Your check-in is saved.")).to_be_visible()
    expect(page.get_by_text("Moderately severe:")).to_be_visible()

    # Baseline loneliness (UCLA-3).
    page.get_by_role("link", name="All check-ins").click()
    page.get_by_role("link", name="Start Loneliness (3 items)").click()
    page.get_by_role("button", name="Begin").click()
    for number in (1, 2, 3):
        expect(page.get_by_text(f"Question {number} of 3")).to_be_visible()
        answer(page, "Often")
    expect(page.get_by_text("Lonely:")).to_be_visible()

    # Two weeks and a day go by (the baseline moves back; the reminder job runs "later").
    earlier = timezone.now() - dt.timedelta(days=15)
    Response.objects.filter(member=member).update(completed_at=earlier, started_at=earlier)
    CheckInSchedule.objects.filter(member=member).update(next_due_at=earlier)
    assert services.send_checkin_reminders(now=timezone.now()) == 2
    assert services.send_checkin_reminders(now=timezone.now() + dt.timedelta(hours=3)) == 0

    page.get_by_role("link", name="Notifications").click()
    reminder = page.get_by_role("listitem").filter(has_text="Time for a check-in: PHQ-9")
    expect(reminder).to_be_visible()
    reminder.get_by_role("button", name="Open").click()
    page.get_by_role("button", name="Begin").click()
    take_phq9(page, LATER)

    expect(page.get_by_role("heading", name="My progress: PHQ-9")).to_be_visible()
    chart = page.get_by_role("img", name="PHQ-9 scores over time")
    expect(chart).to_be_visible()
    expect(page.locator("svg.chart circle.marker")).to_have_count(2)
    expect(page.get_by_text("Your PHQ-9 score went from 18 to 6, down 12 points.")).to_be_visible()
    expect(page.get_by_text(re.compile("looks like a real improvement"))).to_be_visible()
    page.get_by_text("What does “a real change” mean here?").click()
    expect(page.get_by_text(re.compile("A change of 6 points or more is larger"))).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)
    assert_accessible(page, axe)


@pytest.mark.parametrize("java_script", [False], ids=["no-js"])
def test_an_item_9_answer_opens_the_safety_flow_and_the_screener(
    new_page: NewPage, java_script: bool
) -> None:
    person("Evening Finch", email="finch@example.org", time_zone="Europe/Dublin", country="IE")
    page = new_page(viewport="phone", java_script_enabled=java_script)
    with mock.patch("peerhaven.safety.gate.report_outcome") as report:
        sign_in(page, "finch@example.org", PASSWORD)
        page.goto("/outcomes/checkin/phq9/")
        page.get_by_role("button", name="Begin").click()
        for number in range(1, 9):
            expect(page.get_by_text(f"Question {number} of 10")).to_be_visible()
            answer(page, "Several days")
        answer(page, "Several days")

        expect(page.get_by_role("heading", name="Support, right now")).to_be_visible()
        # The lines themselves, tappable (Ireland here), and the way to more of them.
        expect(page.get_by_role("link", name="116 123")).to_be_visible()
        expect(page.get_by_role("link", name="More crisis lines")).to_be_visible()
        assert report.call_count == 1
        assert report.call_args.kwargs["outcome"].level == "ideation"
        assert report.call_args.kwargs["outcome"].evidence[0]["rule"] == "phq9.item9"

        expect(page.get_by_text("Question 1 of 6")).to_be_visible()
        for label in ("Yes", "Yes", "No", "Yes"):
            answer(page, label)
        assert report.call_args.kwargs["outcome"].level == "imminent"
        answer(page, "No")  # question 5
        answer(page, "No")  # question 6
        expect(page.get_by_text(re.compile("important to talk to someone today"))).to_be_visible()
        page.get_by_role("link", name="Continue the check-in").click()
        expect(page.get_by_text("Question 10 of 10")).to_be_visible()
