"""Programme evaluation in a browser: create a programme, read the demo report, download."""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd
import pytest
from browser import sign_in
from people import PASSWORD, SECRET, person

from peerhaven.accounts.models import Role
from peerhaven.demo import insights as demo_insights
from peerhaven.demo.people import DemoContext

pytest.importorskip("playwright")
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_admin_creates_a_programme_reads_the_demo_report_and_downloads(new_page: Any) -> None:
    admin = person("Orchard Keeper", email="admin@example.org", roles=(Role.ADMIN,))
    ctx = DemoContext()
    ctx.users = {
        f"member{i}": person(f"Member {i:03d}", email=f"m{i}@example.org") for i in range(30)
    }
    ctx.users["admin"] = admin
    demo_insights.load_insights(ctx)

    page = new_page(viewport="desktop")
    sign_in(page, admin.email, PASSWORD, totp_secret=SECRET)
    page.goto("/staff/insights/")
    page.get_by_label(re.compile(r"^Name\W*$")).fill("Students peer groups, autumn")
    page.get_by_label("Patient Health Questionnaire (PHQ-9)").check()
    page.get_by_label(re.compile(r"^Waves \(days after enrolment\)")).fill("0, 30, 90")
    page.get_by_role("button", name="Create programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Students peer groups, autumn")

    page.goto("/staff/insights/")
    page.get_by_role("link", name=demo_insights.NAME).click()
    page.get_by_role("button", name="Prepare the report").click()
    # The job queue runs the report; the page refreshes itself until it is done.
    expect(page.get_by_role("heading", name="Summary")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Standardised change, Hedges’ g (95% CI)").first).to_be_visible()
    expect(page.get_by_text("Indirect effect a·b (95% bootstrap CI)").first).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Forest plot of 2 sites"))).to_be_visible()
    expect(page.get_by_text("Forest plot", exact=True)).to_be_visible()

    with page.expect_download() as report:
        page.get_by_role("link", name="Download the report (HTML)").click()
    assert "Evaluation report" in open(report.value.path(), encoding="utf-8").read()  # noqa: SIM115

    page.get_by_role("link", name="Back to the programme").click()
    with page.expect_download() as csv:
        page.get_by_role("link", name="CSV", exact=True).click()
    frame = pd.read_csv(io.StringIO(open(csv.value.path(), encoding="utf-8").read()))  # noqa: SIM115
    assert {"member_id", "arm", "wave", "phq9"} <= set(frame.columns)
    assert not any("Member" in str(v) for v in frame["member_id"])
