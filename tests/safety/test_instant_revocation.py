"""A change of standing reaches open sockets at once (``safety.sockets.standing_changed``).

The moderation queue socket here; the room and the mentoring socket in their own apps' tests.
Periodic re-checks are off (``no_periodic_rechecks``): after the change the test only listens,
so a close can only come from the standing event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from personas import PASSWORD, login
from standing_sockets import (
    PROMPT,
    closed_promptly,
    no_periodic_rechecks,  # noqa: F401 - a fixture, used through pytestmark
    open_socket,
    open_with_browser,
    signed_in,
    still_open,
)

from peerhaven.accounts.models import Role, User
from peerhaven.safety import services, sockets

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("no_periodic_rechecks"),
]

QUEUE = "/ws/moderation/queue/"


async def _watching(user: User) -> Any:
    comm, ok = await open_socket(QUEUE, user)
    assert ok
    return comm


async def test_a_ban_closes_the_moderators_queue_at_once_and_no_one_elses(
    moderator: User, second_moderator: User
) -> None:
    banned = await _watching(moderator)
    colleague = await _watching(second_moderator)
    await sync_to_async(services.take_action)(
        member=moderator, moderator=second_moderator, kind="ban", reason="Leaked a report.", hours=8
    )
    frames, code = await closed_promptly(banned)
    assert code == 4403
    assert frames[-1]["type"] == "closed" and frames[-1]["code"] == "banned"
    assert "Leaked a report." in frames[-1]["message"]
    assert await still_open(colleague) == []
    await colleague.disconnect()


async def test_without_the_event_only_the_periodic_recheck_would_close_it(
    moderator: User, second_moderator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The control for every test here: with the event suppressed, nothing closes the socket
    # while the test listens, so the closes seen elsewhere came from the event.
    monkeypatch.setattr(sockets, "_send_standing", lambda user_ids: None)
    banned = await _watching(moderator)
    await sync_to_async(services.take_action)(
        member=moderator, moderator=second_moderator, kind="ban", reason="Leaked a report.", hours=8
    )
    assert await banned.receive_nothing(timeout=PROMPT)
    await banned.disconnect()


async def test_a_revoked_moderator_role_closes_the_queue_at_once(
    moderator: User, admin: User
) -> None:
    from peerhaven.accounts.services import revoke_role

    comm = await _watching(moderator)
    await sync_to_async(revoke_role)(user=moderator, role=Role.MODERATOR, actor=admin)
    frames, code = await closed_promptly(comm)
    assert (frames[-1]["code"], code) == ("forbidden", 4403)


def _recently_signed_in(user: User) -> Any:
    """A browser that has just confirmed the password (allauth asks for that before two-factor
    settings change)."""
    from django.urls import reverse

    client, _session = signed_in(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


async def test_turning_off_two_factor_closes_the_queue_at_once(moderator: User) -> None:
    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    comm = await _watching(moderator)
    browser = await sync_to_async(_recently_signed_in)(moderator)
    response = await sync_to_async(browser.post)(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302, response.content[:300]
    assert not await sync_to_async(Authenticator.objects.filter(user=moderator).exists)()
    frames, code = await closed_promptly(comm)
    assert (frames[-1]["code"], code) == ("forbidden", 4403)


async def test_a_password_changed_in_another_browser_closes_the_queue_at_once(
    moderator: User,
) -> None:
    from django.urls import reverse

    comm, _browser = await open_with_browser(QUEUE, moderator)
    elsewhere, _session = await sync_to_async(signed_in)(moderator)
    new = "another-Long-passphrase-9"
    response = await sync_to_async(elsewhere.post)(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    frames, code = await closed_promptly(comm)
    assert (frames[-1]["code"], code) == ("signed_out", 4401)


async def test_signing_out_closes_only_the_sockets_of_that_session_at_once(
    moderator: User,
) -> None:
    from django.urls import reverse

    comm, browser = await open_with_browser(QUEUE, moderator)
    other_device, _ = await open_with_browser(QUEUE, moderator)
    response = await sync_to_async(browser.post)(reverse("account_logout"))
    assert response.status_code == 302
    frames, code = await closed_promptly(comm)
    assert (frames[-1]["code"], code) == ("signed_out", 4401)
    assert await still_open(other_device) == []
    await other_device.disconnect()


def _deactivate_in_the_admin(target: User, superuser: User) -> int:
    """Untick "active" on the admin's change page, keeping every other value as it is."""
    from django.contrib import admin
    from django.test import Client, RequestFactory

    model_admin = admin.site._registry[User]
    request = RequestFactory().get("/")
    request.user = superuser
    data: dict[str, Any] = {}

    def keep(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value

    keep(model_admin.get_form(request, target)(instance=target))
    for formset_class, _inline in model_admin.get_formsets_with_inlines(request, target):
        formset = formset_class(instance=target, prefix=formset_class.get_default_prefix())
        keep(formset.management_form)
        for form in formset.forms:
            keep(form)
    data.pop("is_active")
    client = login(Client(), superuser)
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", data)
    assert not User.objects.get(pk=target.pk).is_active, response.content[:2000]
    return response.status_code


async def test_deactivating_the_account_in_the_admin_closes_the_queue_at_once(
    moderator: User, make_user: Callable[..., User]
) -> None:
    superuser = await sync_to_async(make_user)(
        roles=(Role.ADMIN,), is_superuser=True, is_staff=True
    )
    comm = await _watching(moderator)
    assert await sync_to_async(_deactivate_in_the_admin)(moderator, superuser) == 302
    frames, code = await closed_promptly(comm)
    assert (frames[-1]["code"], code) == ("signed_out", 4401)


async def test_erasing_the_account_closes_its_sockets_at_once(moderator: User) -> None:
    from peerhaven.accounts.privacy import EraseMode, erase_member

    comm = await _watching(moderator)
    await sync_to_async(erase_member)(user=moderator, mode=EraseMode.ANONYMISE)
    frames, code = await closed_promptly(comm)
    assert (frames[-1]["code"], code) == ("signed_out", 4401)


async def test_the_event_goes_out_only_once_the_change_commits(
    moderator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import transaction

    sent: list[list[int]] = []
    monkeypatch.setattr(sockets, "_send_standing", sent.append)

    class UndoError(Exception):
        pass

    def change() -> None:
        with transaction.atomic():
            sockets.standing_changed(moderator.pk, None, moderator.pk)
            assert sent == []  # a re-check now would still read the old state
        assert sent == [[moderator.pk]]
        with pytest.raises(UndoError), transaction.atomic():
            sockets.standing_changed(moderator.pk)
            raise UndoError
        assert sent == [[moderator.pk]]  # rolled back: nothing to re-check

    await sync_to_async(change)()
