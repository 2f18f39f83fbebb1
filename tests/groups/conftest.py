"""Factories for support groups: groups, trained facilitators, members and meetings."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from room_sockets import isolated_sockets

from peerhaven.accounts.models import Role, User
from peerhaven.groups import live, services
from peerhaven.groups.models import (
    Facilitator,
    FacilitatorTraining,
    Meeting,
    Membership,
    MembershipStatus,
    SupportGroup,
)

_n = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_room_rate_limits(settings: Any) -> None:
    """Each test counts floods from zero: ids are reused between tests (and between runs on
    the same Redis database), so the in-process windows are cleared and Redis keys get a
    fresh prefix."""
    from peerhaven.groups import ratelimit

    ratelimit.LOCAL.clear()
    settings.GROUPS_ROOM_RATE_PREFIX = f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def fresh_connections_and_layers() -> Iterator[None]:
    """Isolation for tests driving the room consumer (room_sockets); opt in by
    ``pytest.mark.usefixtures("fresh_connections_and_layers")``."""
    with isolated_sockets():
        yield


@pytest.fixture
def facilitator(make_user: Callable[..., User]) -> User:
    user = make_user(display_name="Gentle Beacon", roles=(Role.PEER_SUPPORTER,))
    today = timezone.localdate()
    FacilitatorTraining.objects.create(
        peer_supporter=user,
        completed_on=today - timedelta(days=30),
        trainer="Peer Trainer",
        expires_on=today + timedelta(days=335),
    )
    return user


@pytest.fixture
def make_group(db: Any) -> Callable[..., SupportGroup]:
    def factory(**fields: Any) -> SupportGroup:
        n = next(_n)
        defaults: dict[str, Any] = {
            "name": f"Group {n}",
            "slug": f"group-{n}",
            "topic": "Young adults",
            "agreement_text": "What is said here stays here. We listen without judging.",
            "time_zone": "Europe/London",
            "capacity": 10,
        }
        defaults.update(fields)
        return SupportGroup.objects.create(**defaults)

    return factory


@pytest.fixture
def add_member(db: Any) -> Callable[[SupportGroup, User], Membership]:
    def add(group: SupportGroup, user: User) -> Membership:
        m = Membership.objects.create(
            group=group,
            user=user,
            status=MembershipStatus.ACTIVE,
            agreement_version=group.agreement_version,
            agreement_accepted_at=timezone.now(),
            joined_at=timezone.now(),
        )
        services._sync_member_count(group)
        return m

    return add


@pytest.fixture
def group(
    make_group: Callable[..., SupportGroup],
    facilitator: User,
    member: User,
    add_member: Callable[[SupportGroup, User], Membership],
) -> SupportGroup:
    g = make_group(name="Evening Circle", slug="evening-circle")
    Facilitator.objects.create(group=g, user=facilitator)
    add_member(g, member)
    return g


@pytest.fixture
def make_meeting(db: Any) -> Callable[..., Meeting]:
    def factory(
        group: SupportGroup,
        *,
        starts_in: timedelta = timedelta(minutes=5),
        minutes: int = 90,
        **fields: Any,
    ) -> Meeting:
        start = timezone.now() + starts_in
        return Meeting.objects.create(
            group=group, starts_at=start, ends_at=start + timedelta(minutes=minutes), **fields
        )

    return factory


@pytest.fixture
def meeting(group: SupportGroup, make_meeting: Callable[..., Meeting]) -> Meeting:
    return make_meeting(group)


@pytest.fixture
def co_facilitator(make_user: Callable[..., User], group: SupportGroup) -> User:
    """A second trained facilitator of ``group``."""
    user = make_user(display_name="Steady Lantern", roles=(Role.PEER_SUPPORTER,))
    today = timezone.localdate()
    FacilitatorTraining.objects.create(
        peer_supporter=user,
        completed_on=today - timedelta(days=10),
        trainer="Peer Trainer",
        expires_on=today + timedelta(days=300),
    )
    Facilitator.objects.create(group=group, user=user)
    return user


@pytest.fixture
def other(
    make_user: Callable[..., User],
    group: SupportGroup,
    add_member: Callable[[SupportGroup, User], Membership],
) -> User:
    """A second member of the group: not the author, not a facilitator."""
    person = make_user(display_name="Quiet Harbour")
    add_member(group, person)
    return person


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Callable[..., tuple[Any, list[dict[str, Any]]]]:
    """Run a service; return its result and the room envelopes it published after commit."""

    def call(fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, list[dict[str, Any]]]:
        events: list[tuple[str, dict[str, Any]]] = []
        token = live.COLLECTOR.set(events)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                result = fn(**kwargs)
        finally:
            live.COLLECTOR.reset(token)
        return result, [envelope for _group, envelope in events]

    return call
