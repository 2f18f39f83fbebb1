"""Clinical integration in a browser: verify, refer, accept a scope, PHQ-9, FHIR, revoke."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from browser import sign_in
from people import PASSWORD, SECRET, person

from peerhaven.accounts.models import Role
from peerhaven.clinical.services import register_clinician

pytest.importorskip("playwright")
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_clinician_refers_client_sees_phq9_exports_fhir_and_loses_access_on_revocation(
    new_page: Any, live_server: Any
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    admin = person(
        "Orchard Keeper",
        email="admin@example.org",
        roles=(Role.ADMIN,),
        country="GB",
        time_zone="Europe/London",
    )
    doctor = person(
        "Careful Cedar", email="doctor@example.org", country="GB", time_zone="Europe/London"
    )
    register_clinician(
        user=doctor, profession="Psychiatrist", licence_number="GMC-1", organisation_name=""
    )
    TOTP.activate(doctor, SECRET)
    client = person(
        "Morning Fern", email="client@example.org", country="GB", time_zone="Europe/London"
    )

    # An admin verifies the clinician.
    admin_page = new_page(viewport="desktop")
    sign_in(admin_page, admin.email, PASSWORD, totp_secret=SECRET)
    admin_page.goto("/staff/people/?role=clinician")
    row = admin_page.get_by_role("row").filter(has_text="Careful Cedar")
    row.get_by_role("button", name="Verify clinician").click()
    expect(admin_page.get_by_text("Saved for Careful Cedar")).to_be_visible()
    verified_row = admin_page.get_by_role("row").filter(has_text="Careful Cedar")
    expect(verified_row).to_contain_text("verified")

    # The clinician creates an invitation.
    doc = new_page(viewport="desktop")
    sign_in(doc, doctor.email, PASSWORD, totp_secret=SECRET)
    doc.goto("/clinical/referrals/")
    doc.get_by_label("Your reference").fill("client A")
    doc.get_by_label("Refer to").select_option("group")
    doc.get_by_role("button", name="Create invitation").click()
    code = doc.locator("#invitation-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    # The client accepts, sharing PHQ-9 results only, for 90 days.
    me = new_page()
    sign_in(me, client.email, PASSWORD)
    me.goto("/referrals/accept/")
    me.get_by_label("Invitation code").fill(code)
    me.get_by_role("button", name="Continue").click()
    expect(me.get_by_role("heading", level=1)).to_contain_text("Careful Cedar invited you")
    me.get_by_role("checkbox", name="Results of Patient Health Questionnaire (PHQ-9)").check()
    me.get_by_label("For how long?").select_option("90")
    me.get_by_role("button", name="Accept and share").click()
    expect(me.get_by_text("You are now sharing with Careful Cedar")).to_be_visible()

    # The client completes a PHQ-9, one question per screen.
    me.goto("/outcomes/checkin/phq9/")
    me.locator("main form button[type=submit]").first.click()
    for _ in range(12):
        if "/outcomes/progress/" in me.url:
            break
        # "Several days" everywhere except item 9, which stays at "Not at all" (item 9 above
        # zero opens the safety flow, tested elsewhere).
        choice = 0 if "better off dead" in me.locator("main").inner_text() else 1
        me.locator("main form input[type=radio]").nth(choice).check()
        me.locator("main form button[type=submit]").first.click()
    assert "/outcomes/progress/" in me.url

    # The clinician sees it on the dashboard and downloads a FHIR bundle that validates.
    doc.goto("/clinical/")
    expect(doc.get_by_role("heading", name="Morning Fern")).to_be_visible()
    doc.get_by_role("link", name="Morning Fern").click()
    expect(doc.get_by_role("cell", name="8", exact=True).first).to_be_visible()
    with doc.expect_download() as info:
        doc.get_by_role("link", name="Download FHIR R4 Bundle").click()
    data = json.loads(open(info.value.path()).read())  # noqa: SIM115
    bundle = Bundle.model_validate(data)
    totals = [e.resource for e in bundle.entry if e.resource.__resource_type__ == "Observation"]
    assert [o.valueInteger for o in totals] == [8]
    assert totals[0].code.coding[0].code == "44261-6"

    # The client revokes; the clinician sees nothing more.
    me.goto("/settings/sharing/")
    me.get_by_role("button", name="Stop sharing now").click()
    doc.goto(f"/clinical/clients/{client.pk}/")
    expect(doc.get_by_role("heading", level=1)).to_contain_text("couldn’t find that page")
    doc.goto("/clinical/")
    expect(doc.get_by_text("No client is sharing with you")).to_be_visible()
