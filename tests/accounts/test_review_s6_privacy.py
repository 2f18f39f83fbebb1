"""Review s6: the privacy page, export and erasure."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from peerhaven.accounts.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_a_mistyped_erasure_confirmation_still_shows_who_accessed_the_members_data(
    member_client: Client, member: User, clinician: User
) -> None:
    AuditEvent.objects.create(actor=clinician, action="clinical.results.read", subject=member)
    response = member_client.post(
        reverse("accounts:erase"), {"mode": "anonymise", "confirm_display_name": "wrong"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nobody else has accessed your data" not in html
    assert clinician.display_name in html
