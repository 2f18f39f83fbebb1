"""Staff walkthrough of the evaluation report: what a reader sees on the page.

The numbers behind each figure say which arm or site a row is about; the trajectory figure's
alt text describes each arm by its own numbers; counts print without decimals, p-values below
0.001 as "< 0.001", intervals without stray spaces; a queued report does not print "()"; waves
are ticked at whole numbers; instruments and measures are named, not given as ids; and the
figures and tables fit a phone's width.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from peerhaven.accounts.models import User
from peerhaven.insights import services
from peerhaven.insights.models import Programme, ReportRun
from peerhaven.insights.stats import figures
from peerhaven.insights.templatetags.insights_tags import count, num, pvalue

from .programme_data import enrol_with_scores as _member

pytestmark = pytest.mark.django_db

ARMS = ("comparison", "programme")


@pytest.fixture
def two_arms(admin: User, make_user: Callable[..., User]) -> Programme:
    """Two arms of 12 and two sites of 12, everyone answering at both waves: nothing hidden."""
    programme = services.create_programme(
        actor=admin,
        name="Walkthrough",
        instruments=["phq9"],
        wave_days=[0, 28],
        has_comparison_arm=True,
    )
    for i in range(24):
        arm = ARMS[i % 2]
        start = (18 if arm == "programme" else 15) + i % 4
        end = (7 if arm == "programme" else 13) + (i * 5) % 4
        site = "North" if (i // 2) % 2 else "South"
        _member(admin, make_user, programme, {0: start, 28: end}, arm=arm, site=site)
    return programme


@pytest.fixture
def report_page(
    admin_client: Client, two_arms: Programme, django_capture_on_commit_callbacks: Any
) -> tuple[ReportRun, str]:
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("insights:run_report", args=[two_arms.pk]))
    run = ReportRun.objects.get(programme=two_arms)
    assert run.status == "done"
    page = admin_client.get(reverse("insights:report", args=[two_arms.pk, run.pk]))
    return run, page.content.decode()


def _table(page: str, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, as cell texts (row header first)."""
    start = page.index(f"<caption>{caption}</caption>")
    body = page[start : page.index("</table>", start)].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [[c.strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)] for r in rows]


def _row_headers(page: str, caption: str) -> list[str]:
    start = page.index(f"<caption>{caption}</caption>")
    body = page[start : page.index("</table>", start)].split("<tbody>", 1)[1]
    return re.findall(r'<tr><th scope="row">([^<]*)</th>', body)


# --- Tables behind the figures ------------------------------------------------------------------


def test_the_numbers_behind_each_figure_say_which_arm_or_site_a_row_is_about(
    report_page: tuple[ReportRun, str],
) -> None:
    _run, page = report_page

    retention = _row_headers(page, "Numbers behind the retention curve")
    trajectories = _row_headers(page, "Numbers behind the trajectory figure")
    forest = _row_headers(page, "Numbers behind the forest plot")

    assert retention == ["comparison", "comparison", "programme", "programme"]
    assert trajectories == ["comparison", "comparison", "programme", "programme"]
    assert forest == ["North", "South", "Pooled (DL)"]
    assert '<th scope="col">n_enrolled</th>' not in page  # headers are words, not keys


def test_counts_print_without_decimals_and_shares_as_percentages(
    report_page: tuple[ReportRun, str],
) -> None:
    _run, page = report_page

    trajectories = _table(page, "Numbers behind the trajectory figure")
    # Arm, wave, members, mean, CI
    assert [row[:3] for row in trajectories] == [
        ["comparison", "0", "12"],
        ["comparison", "1", "12"],
        ["programme", "0", "12"],
        ["programme", "1", "12"],
    ]
    assert re.fullmatch(r"\d+\.\d\d to \d+\.\d\d", trajectories[0][4])
    forest = _table(page, "Numbers behind the forest plot")
    assert [row[1] for row in forest] == ["12", "12", "24"]
    retention = _table(page, "Numbers behind the retention curve")
    assert retention[0] == ["comparison", "0", "12", "12", "100%", "12", "100%"]


def test_the_trajectory_alt_text_describes_each_arm_by_its_own_numbers(
    report_page: tuple[ReportRun, str],
) -> None:
    run, page = report_page
    table = run.figures["trajectories"]["table"]
    alt = run.figures["trajectories"]["alt"]

    for arm in ARMS:
        first, last = (r for r in table if r["group"] == arm)
        assert f"{arm}: {first['mean']:.1f} at wave 0, {last['mean']:.1f} at wave 1" in alt
    assert alt.startswith("Mean PHQ-9 by wave for 24 members in 2 groups.")
    assert f'alt="{alt}"' in page


def test_p_values_intervals_and_counts_read_as_numbers(
    report_page: tuple[ReportRun, str],
) -> None:
    _run, page = report_page

    # The intercept of a PHQ-9 growth model is far from 0: its p-value is tiny.
    fixed = _table(page, "Fixed effects")
    intercept = next(row for row in fixed if row[0] == "Intercept")
    assert intercept[3] == "&lt; 0.001"
    assert all(row[3] != "0.00" for row in fixed)
    # "-1.26 (-1.87 to -0.65)", never "-0.65 )" or a line break before the bracket.
    assert not re.search(r"\s\)", page)
    assert not re.search(r"\d\n\s*(to\b|\))", page)
    # The unit formats behind those cells.
    assert pvalue(0.0) == "< 0.001" and pvalue(0.0312) == "0.031" and pvalue(None) == "—"
    assert count(18.0) == "18" and count(None) == "—"
    assert num(-0.004) == "0.00" and num(-1.264) == "-1.26"


def test_instruments_and_measures_are_named_for_readers(
    admin_client: Client, two_arms: Programme, report_page: tuple[ReportRun, str]
) -> None:
    _run, page = report_page
    programme_page = admin_client.get(reverse("insights:programme", args=[two_arms.pk]))

    assert "Instruments: Patient Health Questionnaire (PHQ-9)" in programme_page.content.decode()
    assert "phq9" not in programme_page.content.decode().split("Instruments:", 1)[1][:200]
    assert '<th scope="row">Engagement dose (all of the above)</th>' in page
    assert '<th scope="row">dose</th>' not in page
    assert "PHQ-9 ~ wave" in page and "phq9 ~" not in page
    assert "standardiser: SD of the baseline scores" in page
    assert "arm[T." not in page and "wave × programme arm" in page


# --- Progress -----------------------------------------------------------------------------------


def test_a_queued_report_says_it_is_waiting_without_empty_brackets(
    admin_client: Client, two_arms: Programme
) -> None:
    run = ReportRun.objects.create(programme=two_arms, data_version="x", status="queued")

    page = admin_client.get(reverse("insights:report", args=[two_arms.pk, run.pk]))

    text = page.content.decode()
    assert "()" not in text
    assert "The report is waiting to start." in text


# --- Figures ------------------------------------------------------------------------------------


def _tick_labels(svg: str) -> list[str]:
    """The x-axis tick labels of a figure: the text drawn before the "Wave" label."""
    texts = re.findall(r"<!-- (.*?) -->", svg)
    return texts[: texts.index("Wave")]


def test_waves_are_ticked_at_whole_numbers() -> None:
    rows = [
        {"member_id": m, "arm": ARMS[m % 2], "wave": w, "phq9": 10 + m % 5 - w}
        for m in range(24)
        for w in (0, 1, 2)
    ]
    long = pd.DataFrame(rows)

    trajectory = figures.trajectory_plot(long, outcome="phq9", group="arm", min_n=10)
    retention = figures.retention_curve(long, group="arm", min_n=10)

    assert _tick_labels(trajectory.svg) == ["0", "1", "2"]
    assert _tick_labels(retention.svg) == ["0", "1", "2"]


def test_the_figures_and_tables_fit_a_phone(
    admin_client: Client, two_arms: Programme, report_page: tuple[ReportRun, str]
) -> None:
    run, page = report_page
    css_path = finders.find("insights/report.css")
    assert css_path is not None
    css = re.sub(r"\s+", "", Path(css_path).read_text())

    assert 'href="/static/insights/report.css"' in page
    # Figures are drawn 770 px wide: they scale down to the column.
    assert ".report-figureimg{display:block;max-width:100%;height:auto;}" in css
    assert page.count('<figure class="report-figure">') == 3
    # Wide tables scroll inside their own box.
    assert ".table-scroll{max-width:100%;overflow-x:auto;}" in css
    assert page.count('<div class="table-scroll"><table><caption>Numbers behind') == 3
    download = admin_client.get(
        reverse("insights:report_download", args=[two_arms.pk, run.pk])
    ).content.decode()
    assert "img{max-width:100%;height:auto}" in download


def test_a_report_prepared_by_older_code_is_not_reused(
    two_arms: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Figures and their alt text are stored with the report: a cached report from before a
    # change to them would keep showing the old ones until new data arrived.
    from peerhaven.insights import data

    now = data.data_version(two_arms)
    monkeypatch.setattr(data, "REPORT_FORMAT", data.REPORT_FORMAT - 1)

    assert data.data_version(two_arms) != now
