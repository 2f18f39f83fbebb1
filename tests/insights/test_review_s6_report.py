"""Review session 6: the report's small-cell rule, denominators and engagement dose."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from peerhaven.accounts.models import User
from peerhaven.insights.data import collect

from .programme_data import enrol_with_scores as _member
from .programme_data import make_programme
from .programme_data import run_report as _report

pytestmark = pytest.mark.django_db

_programme = make_programme


def test_site_pooling_is_not_shown_when_fewer_than_ten_people_have_change(
    admin: User, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin)
    # Six people with a baseline and a follow-up, three at each of two sites ...
    for i in range(6):
        site = "North" if i % 2 else "South"
        _member(admin, make_user, programme, {0: 12 + i, 28: 8 + (i * 7) % 5}, site=site)
    # ... and six more who only answered at baseline: 12 consenting in all.
    for i in range(6):
        _member(admin, make_user, programme, {0: 10 + i}, site="East")
    report = _report(programme)
    phq9 = report["outcomes"][0]
    assert phq9["n"] is None and "mean_change_all" not in phq9  # the outcome section is hidden
    # The pooled site estimate describes the same six people: it must be hidden too.
    assert "dl" not in report["pooling"]
    assert "forest" not in report["figures"]


def test_reliable_change_of_a_programme_arm_under_ten_is_not_shown(
    admin: User, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin, comparison=True)
    for i in range(12):
        _member(admin, make_user, programme, {0: 10 + i % 6, 28: 9 + i % 4}, arm="comparison")
    for i in range(3):
        _member(admin, make_user, programme, {0: 20 - i, 28: 4 + i}, arm="programme")
    phq9 = _report(programme)["outcomes"][0]
    assert phq9["n"] == 15
    reliable = phq9["reliable_change"]
    assert reliable is None or reliable.get("share_improved") is None, reliable


def test_recovery_rate_among_fewer_than_ten_clinical_people_is_not_shown(
    admin: User, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin)
    # Fourteen people, only three of them at or above the cut-off (10) at baseline.
    for i in range(11):
        _member(admin, make_user, programme, {0: 3 + i % 6, 28: 2 + i % 5})
    for i in range(3):
        _member(admin, make_user, programme, {0: 18 + i, 28: 3})
    reliable = _report(programme)["outcomes"][0]["reliable_change"]
    assert reliable["n"] == 14
    assert reliable["share_recovered_of_clinical"] is None
    assert reliable["n_recovered"] is None and reliable["n_clinical_at_baseline"] is None


def test_a_comparison_arm_under_ten_is_not_a_term_in_the_growth_model_or_mediation(
    admin: User, make_user: Callable[..., User]
) -> None:
    from peerhaven.outcomes.models import Response

    programme = _programme(admin, comparison=True, instruments=("phq9", "mspss"))
    enrolments = [
        _member(admin, make_user, programme, {0: 14 + i % 5, 28: 8 + i % 7}) for i in range(12)
    ]
    enrolments += [
        _member(admin, make_user, programme, {0: 12 + i, 28: 13 + i}, arm="comparison")
        for i in range(2)
    ]
    for i, enrolment in enumerate(enrolments):
        for day, total in ((0, 40 + i % 9), (28, 50 + (i * 5) % 11)):
            Response.objects.create(
                member=enrolment.member,
                instrument_id="mspss",
                instrument_version="1",
                status="complete",
                answers={},
                total=total,
                completed_at=enrolment.enrolled_at + timedelta(days=day, hours=1),
            )
    report = _report(programme)
    # Two people in the comparison arm: an "arm" coefficient would describe those two.
    names = [effect["name"] for effect in report["growth"].get("fixed_effects", [])]
    assert names and not any("arm" in name for name in names), names
    for entry in report["mediation"]:
        assert entry.get("x") != "programme arm (vs comparison)", entry


def test_retention_counts_consenting_members_who_never_answered(
    admin: User, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin)
    for i in range(12):
        _member(admin, make_user, programme, {0: 10 + i % 5, 28: 8 + i % 3})
    for _ in range(8):
        _member(admin, make_user, programme, {})  # enrolled, consenting, no check-in yet
    report = _report(programme)
    assert report["consenting"] == 20
    baseline = report["figures"]["retention"]["table"][0]
    assert baseline["n_enrolled"] == 20
    assert baseline["share_observed"] == pytest.approx(12 / 20)
    assert baseline["share_retained"] == pytest.approx(12 / 20)


def test_engagement_dose_at_a_wave_counts_only_activity_up_to_that_check_in(
    admin: User, make_user: Callable[..., User]
) -> None:
    from peerhaven.forums.models import Board, Post, Thread

    programme = _programme(admin)
    enrolment = _member(admin, make_user, programme, {0: 15, 28: 9})
    board = Board.objects.create(slug="review", name="Review")
    thread = Thread.objects.create(board=board, author=enrolment.member, title="Hello")
    # Two posts between baseline and follow-up, one after the follow-up.
    for position, day in enumerate((3, 10, 40), start=1):
        post = Post.objects.create(
            thread=thread,
            author=enrolment.member,
            position=position,
            body="x",
            body_html="<p>x</p>",
        )
        Post.objects.filter(pk=post.pk).update(
            created_at=enrolment.enrolled_at + timedelta(days=day)
        )
    long = collect(programme).long.sort_values("wave")
    assert list(long["wave"]) == [0, 1]
    # At baseline nobody has engaged yet; by the follow-up, two posts.
    assert list(long["forum_posts"]) == [0, 2]
    assert list(long["dose"]) == [0, 2]


def test_a_hidden_small_site_cannot_be_recovered_from_the_pooled_estimate(
    admin: User, make_user: Callable[..., User]
) -> None:
    from peerhaven.outcomes.models import Response

    programme = _programme(admin)
    for site in ("North", "East"):
        for i in range(12):
            _member(admin, make_user, programme, {0: 12 + i % 6, 28: 7 + (i * 5) % 7}, site=site)
    small = [
        _member(admin, make_user, programme, {0: 14 + i, 28: 12 - i}, site="South")
        for i in range(3)
    ]

    def shown(report: dict[str, Any]) -> Any:
        pooling = report["pooling"]
        forest = report["figures"].get("forest", {}).get("table")
        return pooling.get("dl", {}).get("estimate"), pooling.get("pm", {}).get("estimate"), forest

    before = shown(_report(programme))
    # The forest plot hides South (3 people), but if South still counted in the pooled
    # estimate, pooled = w_N y_N + w_E y_E + w_S y_S with every other term on the page would
    # give South's effect back. Changing South's scores must not change what is shown.
    Response.objects.filter(member__in=[e.member for e in small], total__lt=13).update(total=25)
    after = shown(_report(programme))
    assert before == after
