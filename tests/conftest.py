"""Shared fixtures: factories and the personas every area's tests use."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from personas import PASSWORD, TOTP_SECRET, login

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.names import skeleton
from peerhaven.accounts.services import grant_role, verify_clinician

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits and lockouts live in the cache; each test starts clean.
    cache.clear()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Create an onboarded, e-mail-verified person with the given roles."""

    def factory(
        *,
        display_name: str | None = None,
        email: str | None = None,
        roles: tuple[str, ...] = (),
        two_factor: bool | None = None,
        verified: bool = True,
        onboarded: bool = True,
        **fields: Any,
    ) -> User:
        n = next(_counter)
        name = display_name or f"Person {n:04d}"
        address = email or f"person{n}@example.org"
        now = timezone.now()
        extra: dict[str, Any] = {"display_name": name, "display_name_key": skeleton(name)}
        if onboarded:
            extra.update(
                guidelines_version=settings.GUIDELINES_VERSION,
                guidelines_accepted_at=now,
                onboarded_at=now,
            )
        extra.update(fields)
        user = User.objects.create_user(address, PASSWORD, **extra)
        EmailAddress.objects.create(user=user, email=address, verified=verified, primary=True)
        for role in roles:
            grant_role(user=user, role=role, actor=None)
        if Role.CLINICIAN in roles:
            verify_clinician(clinician=user, actor=None)
        staff = bool(set(roles) & {Role.MODERATOR, Role.CLINICIAN, Role.ADMIN})
        if two_factor or (two_factor is None and staff):
            TOTP.activate(user, TOTP_SECRET)
        return User.objects.get(pk=user.pk)

    return factory


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Quiet Harbor")


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Stray Comet")


@pytest.fixture
def peer_supporter(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Steady Lantern", roles=(Role.PEER_SUPPORTER,))


@pytest.fixture
def moderator(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Watchful Heron", roles=(Role.MODERATOR,))


@pytest.fixture
def clinician(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Careful Cedar", roles=(Role.CLINICIAN,))


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Orchard Keeper", roles=(Role.ADMIN,))


@pytest.fixture
def member_client(client: Client, member: User) -> Client:
    return login(client, member)


@pytest.fixture
def admin_client(client: Client, admin: User) -> Client:
    return login(client, admin)
