"""Review (session 6): what a clinician's dashboard and client page show under consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.clinical import services
from peerhaven.outcomes.models import Response

from .conftest import phq9

pytestmark = pytest.mark.django_db


def _share(clinician: User, client: User, scope: list[str]) -> None:
    created = services.create_referral(clinician=clinician, target="group")
    services.accept_referral(code=created.code, client=client, scope=scope, duration_days=180)


def test_the_dashboard_shows_the_latest_score_not_an_older_one_when_the_newest_has_no_total(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(1), days_ago=60)  # 8, mild
    make_response(member, "phq9", phq9(2), days_ago=20)  # 16, moderately severe
    # An API submission with a skipped item is stored complete, without a total.
    partial = {k: v for k, v in phq9(2).items() if k != "phq9_3"}
    assert make_response(member, "phq9", partial, days_ago=1).total is None
    _share(clinician, member, ["phq9"])
    login(client, clinician)

    page = client.get(reverse("clinical:dashboard")).content.decode()

    # The client page and the dashboard agree: the latest score is 16, up 8 from 8.
    assert "Moderately severe" in page
    assert "<td>Mild</td>" not in page
    assert "<td>8 (reliable)</td>" in page
    detail = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    assert "went from 8 to 16" in detail


def test_the_dashboard_change_uses_the_first_score_even_if_the_first_response_has_no_total(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    partial = {k: v for k, v in phq9(3).items() if k != "phq9_3"}
    make_response(member, "phq9", partial, days_ago=90)
    make_response(member, "phq9", phq9(3), days_ago=60)  # 24, severe
    make_response(member, "phq9", phq9(1), days_ago=1)  # 8, mild
    _share(clinician, member, ["phq9"])
    login(client, clinician)

    page = client.get(reverse("clinical:dashboard")).content.decode()

    assert "-16" in page and "(reliable)" in page


@pytest.mark.parametrize("level", ["ideation", "imminent"])
def test_a_safety_flag_from_an_unfinished_check_in_reaches_a_clinician_with_that_scope(
    client: Client, clinician: User, member: User, level: str
) -> None:
    # Item 9 answered positively (and the screener answered), then the member stopped before
    # the last question: the check-in stays in progress, the safety level is set.
    now = timezone.now()
    Response.objects.create(
        member=member,
        instrument_id="phq9",
        instrument_version="1.0.0",
        status=Response.Status.IN_PROGRESS,
        answers={**phq9(2, item9=3)},
        started_at=now - timedelta(hours=1),
        updated_at=now,
        safety_level=level,
    )
    _share(clinician, member, ["phq9", "risk_flags"])
    login(client, clinician)

    detail = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    dashboard = client.get(reverse("clinical:dashboard")).content.decode()

    assert f"phq9: {level}" in detail
    assert "1 safety flag" in dashboard


def test_an_unfinished_check_in_is_never_shown_without_the_risk_flags_scope(
    client: Client, clinician: User, member: User
) -> None:
    Response.objects.create(
        member=member,
        instrument_id="phq9",
        instrument_version="1.0.0",
        status=Response.Status.IN_PROGRESS,
        answers={**phq9(2, item9=3)},
        safety_level="imminent",
    )
    _share(clinician, member, ["phq9"])
    login(client, clinician)

    detail = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    dashboard = client.get(reverse("clinical:dashboard")).content.decode()

    assert "imminent" not in detail and "Safety flags" not in detail
    assert "safety flag" not in dashboard
    # In-progress answers are not results: no row for them.
    assert "No results yet." in detail


def test_a_staff_read_of_a_referral_in_django_admin_is_audited_and_hides_the_private_label(
    client: Client, clinician: User, member: User, make_user
) -> None:  # type: ignore[no-untyped-def]
    from peerhaven.accounts.models import AuditEvent, Role
    from peerhaven.clinical.models import Referral

    created = services.create_referral(clinician=clinician, target="group", label="JD-case-4711")
    services.accept_referral(code=created.code, client=member, scope=["phq9"], duration_days=90)
    superuser = make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True)
    login(client, superuser)
    referral = Referral.objects.get()

    page = client.get(f"/admin/clinical/referral/{referral.pk}/change/")

    assert page.status_code == 200
    assert "JD-case-4711" not in page.content.decode()
    [event] = AuditEvent.objects.filter(action="admin.referral.read")
    assert (event.actor, event.subject) == (superuser, member)
    # The client sees it on the privacy page, not as a clinician's look at their results.
    login(client, member)
    sharing = client.get(reverse("clinical:sharing")).content.decode()
    assert "admin.referral.read" not in sharing
