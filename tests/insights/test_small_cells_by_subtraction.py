"""Small cells the report hides must not come back by subtraction, nor as a printed head-count.

Each scenario checks the report dict and the rendered report page an admin reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from peerhaven.accounts.models import User
from peerhaven.insights import services
from peerhaven.insights.models import Programme, ReportRun
from peerhaven.insights.stats import suppress

from .programme_data import enrol_with_scores as _member
from .programme_data import make_programme
from .programme_data import run_report as _report

pytestmark = pytest.mark.django_db


def _programme(admin: User, *, comparison: bool = False) -> Programme:
    return make_programme(admin, comparison=comparison, name="Subtraction")


def _page(client: Client, admin: User, programme: Programme, capture: Any) -> str:
    with capture(execute=True):
        run = services.request_report(actor=admin, programme=programme)
    run = ReportRun.objects.get(pk=run.pk)
    assert run.status == "done"
    url = reverse("insights:report", args=[programme.pk, run.pk])
    return client.get(url).content.decode()


def _table(page: str, caption: str) -> list[list[str]]:
    """The body cells of the table with this caption, as text."""
    match = re.search(re.escape(caption) + r".*?<tbody>(.*?)</tbody>", page, re.S)
    assert match, caption
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S)
    ]


def test_members_with_a_follow_up_under_ten_are_not_printed_as_a_number(
    admin: User,
    admin_client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    programme = _programme(admin)
    for i in range(5):
        _member(admin, make_user, programme, {0: 12 + i, 28: 8 + i})
    for i in range(8):
        _member(admin, make_user, programme, {0: 10 + i})
    report = _report(programme)
    assert report["consenting"] == 13
    assert report["outcomes"][0]["n"] is None  # 5 people: "fewer than 10"
    page = _page(admin_client, admin, programme, django_capture_on_commit_callbacks)
    assert "5 members with a baseline" not in page
    assert "Fewer than 10 members with a baseline and a follow-up." in page
    # The enrolment table says the same about wave 1.
    wave1 = [row for row in _table(page, "Members with data at each wave") if row[0] == "1"]
    assert wave1 and all(row[3] == "fewer than 10" for row in wave1)


def test_a_small_comparison_arm_cannot_be_worked_out_from_the_total(
    admin: User,
    admin_client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    programme = _programme(admin, comparison=True)
    for i in range(12):
        _member(admin, make_user, programme, {0: 12 + i % 6, 28: 7 + (i * 5) % 7})
    for i in range(3):
        _member(admin, make_user, programme, {0: 14 + i, 28: 12 - i}, arm="comparison")
    report = _report(programme)
    assert report["consenting"] == 15  # the summary shows the total ...
    # ... so no exact count of the programme arm alone may be shown anywhere beside it.
    retention = report["figures"]["retention"]["table"]
    assert {row["n_enrolled"] for row in retention} <= {15, None}
    assert {row["group"] for row in retention} == {None}
    assert {row["arm"] for row in report["enrolment"]} == {"both arms"}
    assert {row["group"] for row in report["figures"]["trajectories"]["table"]} == {None}
    phq9 = report["outcomes"][0]
    assert phq9["n"] == 15
    # Everyone's mean change and the programme arm's would give the comparison arm's.
    assert "mean_change_all" in phq9 and "mean_change_programme_arm" not in phq9
    assert "n" not in phq9["reliable_change"]
    assert any("arm has fewer than 10" in note for note in report["notes"])
    page = _page(admin_client, admin, programme, django_capture_on_commit_callbacks)
    cells = [c for row in _table(page, "Numbers behind the retention curve") for c in row]
    assert "12" not in cells and "15" in cells
    enrolment = [c for row in _table(page, "Members with data at each wave") for c in row]
    assert "12" not in enrolment and "comparison" not in enrolment


def test_a_wave_where_one_arm_is_small_hides_both_arms(
    admin: User,
    admin_client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    programme = _programme(admin, comparison=True)
    for i in range(12):
        _member(admin, make_user, programme, {0: 12 + i % 6, 28: 7 + (i * 5) % 7})
    for i in range(12):
        scores: dict[int, float] = {0: 11 + i % 5, 28: 10 + i % 4} if i < 4 else {0: 11 + i % 5}
        _member(admin, make_user, programme, scores, arm="comparison")
    report = _report(programme)
    # Wave 1: 12 in the programme arm, 4 in the comparison arm. The wave's 16 (members with a
    # baseline and a follow-up, the growth model's observations) minus 12 would give 4.
    wave1 = [row for row in report["enrolment"] if row["wave"] == 1]
    assert len(wave1) == 2 and all(row["n"] is None for row in wave1)
    wave0 = [row for row in report["enrolment"] if row["wave"] == 0]
    assert [row["n"] for row in wave0] == [12, 12]
    for name in ("retention", "trajectories"):
        table = report["figures"][name]["table"]
        assert all(
            all(v is None for k, v in row.items() if k not in ("group", "wave"))
            for row in table
            if row["wave"] == 1
        ), name
    assert report["outcomes"][0]["n"] == 16
    assert report["growth"]["n_observations"] is None
    page = _page(admin_client, admin, programme, django_capture_on_commit_callbacks)
    rows = _table(page, "Members with data at each wave")
    assert [row[3] for row in rows if row[0] == "1"] == ["fewer than 10", "fewer than 10"]
    assert "40 observations" not in page and "observations;" not in page


def test_enrolled_members_without_consent_are_not_counted_under_ten(
    admin: User,
    admin_client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    programme = _programme(admin)
    for i in range(12):
        _member(admin, make_user, programme, {0: 12 + i % 6, 28: 7 + (i * 5) % 7})
    for i in range(2):
        enrolment = _member(admin, make_user, programme, {0: 15 + i})
        services.set_evaluation_consent(user=enrolment.member, consent=False)
    report = _report(programme)
    # 14 enrolled beside 12 consenting would say that 2 people left the evaluation.
    assert report["consenting"] == 12 and report["enrolled"] is None
    page = _page(admin_client, admin, programme, django_capture_on_commit_callbacks)
    assert "14 members enrolled" not in page
    assert "12 members with active evaluation consent are included" in page


def test_people_left_out_of_site_pooling_are_not_counted(
    admin: User,
    admin_client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    programme = _programme(admin)
    for site in ("North", "East"):
        for i in range(12):
            _member(admin, make_user, programme, {0: 12 + i % 6, 28: 7 + (i * 5) % 7}, site=site)
    for i in range(3):
        _member(admin, make_user, programme, {0: 14 + i, 28: 12 - i}, site="South")
    report = _report(programme)
    assert report["outcomes"][0]["n"] == 27
    # 27 with change minus the pooled sites' 24 would count the 3 left out.
    assert report["pooling"]["site_n"] is None
    assert all(row["n"] is None for row in report["figures"]["forest"]["table"])
    assert not any("3 people" in note for note in report["notes"])
    page = _page(admin_client, admin, programme, django_capture_on_commit_callbacks)
    assert "3 people" not in page
    forest = [c for row in _table(page, "Numbers behind the forest plot") for c in row]
    assert "12.000" not in forest and "24.000" not in forest


def test_the_export_links_warn_when_an_arm_is_under_ten(
    admin: User, admin_client: Client, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin, comparison=True)
    for i in range(12):
        _member(admin, make_user, programme, {0: 12 + i % 6})
    url = reverse("insights:programme", args=[programme.pk])
    assert "Their individual scores are in the export" not in admin_client.get(url).content.decode()
    for i in range(3):
        _member(admin, make_user, programme, {0: 14 + i}, arm="comparison")
    page = admin_client.get(url).content.decode()
    assert "Fewer than 10 consenting members are in this arm: comparison" in page
    assert "every download is audited" in page


def test_suppress_hides_a_groups_other_parts_with_its_small_one() -> None:
    rows: list[dict[str, Any]] = [
        {"wave": 0, "arm": "a", "n": 12},
        {"wave": 0, "arm": "b", "n": 11},
        {"wave": 1, "arm": "a", "n": 12},
        {"wave": 1, "arm": "b", "n": 4},
        {"wave": 2, "arm": "a", "n": 12},
        {"wave": 2, "arm": "b", "n": 0},  # nobody yet: discloses no one
    ]
    out = suppress(rows, "n", 10, keep=("wave", "arm"), together=("wave",)).rows
    assert [r["n"] for r in out] == [12, 11, None, None, 12, None]
    assert [r["arm"] for r in out] == ["a", "b", "a", "b", "a", "b"]
