from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.permissions import has_two_factor

pytestmark = pytest.mark.django_db


def test_the_demo_community_loads_once_and_prints_logins() -> None:
    out = StringIO()
    call_command("demo", "--no-progress", stdout=out)
    first = User.objects.count()
    assert first >= 60
    text = out.getvalue()
    for login in ("member@", "peer@", "moderator@", "clinician@", "admin@"):
        assert login in text
    assert "peerhaven-demo" in text
    call_command("demo", "--no-progress", stdout=StringIO())
    assert User.objects.count() == first


def test_the_demo_has_every_role_and_staff_have_two_factor() -> None:
    call_command("demo", "--no-progress", stdout=StringIO())
    users = list(User.objects.prefetch_related("role_assignments"))
    for role in Role:
        assert any(u.has_role(role) for u in users), role
    staff = [u for u in users if u.holds_staff_role]
    assert staff and all(has_two_factor(u) for u in staff)
    assert any(u.is_verified_clinician for u in users)
    assert any(u.has_role(Role.CLINICIAN) and not u.is_verified_clinician for u in users)
    # Pseudonymous: no display name contains the e-mail's local part.
    assert all(u.display_name.split()[0].lower() not in u.email for u in users)


def test_the_demo_sends_no_email() -> None:
    from django.core import mail

    call_command("demo", "--no-progress", stdout=StringIO())
    assert mail.outbox == []
