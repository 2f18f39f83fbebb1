"""A new password revokes API tokens; deleting an account in Django admin is an erasure."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse
from personas import PASSWORD, login

from peerhaven.accounts.models import AuditEvent, PersonalAccessToken, Role, User
from peerhaven.accounts.services import create_token, revoke_token
from peerhaven.notifications import services as notifications
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Long-passphrase-2"


def _api_status(secret: str) -> int:
    return Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- A new password revokes the member's API tokens -----------------------------------------


def test_changing_the_password_revokes_api_tokens_and_tells_the_member(
    client: Client, member: User, outsider: User
) -> None:
    first = create_token(user=member, name="laptop")
    second = create_token(user=member, name="phone")
    already = create_token(user=member, name="old")
    revoke_token(token=already.token, actor=member)
    theirs = create_token(user=outsider, name="theirs")
    assert _api_status(first.secret) == 200
    login(client, member)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    assert _api_status(first.secret) == 401
    assert _api_status(second.secret) == 401
    assert _api_status(theirs.secret) == 200  # another member's token is untouched
    assert any("2 API tokens were revoked" in m for m in _messages(response))
    [event] = AuditEvent.objects.filter(action="accounts.token.revoke_all")
    assert (event.actor, event.subject) == (member, member)
    assert event.detail == {
        "reason": "password_changed",
        "token_ids": sorted([first.token.pk, second.token.pk]),
    }


def test_resetting_a_forgotten_password_revokes_api_tokens_and_tells_the_member(
    client: Client, member: User
) -> None:
    stolen = create_token(user=member, name="made by someone else")
    client.post(reverse("account_reset_password"), {"email": member.email})
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[-1].body
    )
    assert link
    page = client.get(link.group(1), follow=True)
    action = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)

    response = client.post(
        action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert _api_status(stolen.secret) == 401
    assert PersonalAccessToken.objects.get(pk=stolen.token.pk).revoked_at is not None
    assert any("API token was revoked" in m for m in _messages(response))
    assert AuditEvent.objects.filter(
        action="accounts.token.revoke_all", subject=member, detail__reason="password_reset"
    ).exists()


def test_setting_a_first_password_revokes_api_tokens(
    client: Client, make_user: Callable[..., User]
) -> None:
    person = make_user()
    person.set_unusable_password()
    person.save(update_fields=["password"])
    token = create_token(user=person, name="script")
    login(client, person)

    client.post(
        reverse("account_set_password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert _api_status(token.secret) == 401
    assert AuditEvent.objects.filter(
        action="accounts.token.revoke_all", subject=person, detail__reason="password_set"
    ).exists()


def test_a_password_change_without_tokens_says_nothing_about_tokens(
    client: Client, member: User
) -> None:
    login(client, member)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert not any("API token" in m for m in _messages(response))
    assert not AuditEvent.objects.filter(action="accounts.token.revoke_all").exists()


# --- Deleting an account in Django admin is an erasure ----------------------------------------


@pytest.fixture
def superuser(make_user: Callable[..., User]) -> User:
    return make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True)


def _named_in_a_notification(leaving: User, reader: User) -> Notification:
    return notifications.notify(
        recipient=reader, kind="mentoring", title=f"New message from {leaving.display_name}"
    )


def test_deleting_an_account_in_admin_runs_every_apps_eraser_and_is_audited(
    client: Client, make_user: Callable[..., User], member: User, superuser: User
) -> None:
    leaving = make_user(display_name="Amber Willow")
    note = _named_in_a_notification(leaving, member)
    # An earlier change made in admin is logged under the person's display name.
    LogEntry.objects.log_actions(
        user_id=superuser.pk, queryset=[leaving], action_flag=CHANGE, change_message="[]"
    )
    login(client, superuser)

    response = client.post(f"/admin/accounts/user/{leaving.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=leaving.pk).exists()
    # The notifications app's eraser ran: the other member's notification no longer names them.
    assert "Amber Willow" not in Notification.objects.get(pk=note.pk).title
    [event] = AuditEvent.objects.filter(action="accounts.erase")
    assert event.actor == superuser
    assert event.detail == {"mode": "anonymise", "by": "staff"}
    # Django admin's own log keeps the deletion, without the person's name.
    entries = LogEntry.objects.filter(object_id=str(leaving.pk), content_type__model="user")
    assert entries.count() == 2  # the earlier change and the deletion
    assert not entries.filter(object_repr__contains="Amber Willow").exists()


def test_the_admins_bulk_delete_erases_each_account_and_audits_the_confirmation_page(
    client: Client, make_user: Callable[..., User], member: User, superuser: User
) -> None:
    first = make_user(display_name="Amber Willow")
    second = make_user(display_name="Cedar Lane")
    notes = [_named_in_a_notification(p, member) for p in (first, second)]
    login(client, superuser)
    selection = {"action": "delete_selected", "_selected_action": [first.pk, second.pk]}

    confirm = client.post("/admin/accounts/user/", selection)
    assert confirm.status_code == 200
    assert set(
        AuditEvent.objects.filter(action="accounts.admin.read", actor=superuser).values_list(
            "subject", flat=True
        )
    ) == {first.pk, second.pk}

    client.post("/admin/accounts/user/", {**selection, "post": "yes"})

    assert not User.objects.filter(pk__in=[first.pk, second.pk]).exists()
    for note in notes:
        title = Notification.objects.get(pk=note.pk).title
        assert "Amber Willow" not in title and "Cedar Lane" not in title
    events = AuditEvent.objects.filter(action="accounts.erase")
    assert [(e.actor, e.detail["by"]) for e in events] == [(superuser, "staff")] * 2


def test_erasing_ones_own_account_is_recorded_without_an_actor(member: User) -> None:
    from peerhaven.accounts.privacy import EraseMode, erase_member

    erase_member(user=member, mode=EraseMode.REMOVE)
    [event] = AuditEvent.objects.filter(action="accounts.erase")
    assert event.actor is None
    assert event.detail == {"mode": "remove", "by": "member"}
