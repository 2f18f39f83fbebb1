"""Per-request work of signed-in pages: roles, two-factor state, the header's unread count and a
forum page's own viewer state are read in one query, and never kept beyond the request, so a
revoked role, a removed authenticator or a new notification shows on the very next page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.permissions import (
    access_facts,
    access_is_primed,
    fetch_facts,
    has_two_factor,
    prime_access,
)
from peerhaven.accounts.services import grant_role, revoke_role
from peerhaven.forums import services
from peerhaven.forums.models import Board, Thread
from peerhaven.notifications.models import Notification
from peerhaven.notifications.services import notify

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> list[str]:
    client.get(url)  # first visits write (read marks, session): not what is counted here
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _alone(sqls: list[str], table: str) -> list[str]:
    """Queries that read ``table`` on their own (not folded into the facts query)."""
    return [s for s in sqls if f'FROM "{table}"' in s and "UNION ALL" not in s]


def _badge(page: str) -> str | None:
    match = re.search(r'<span class="badge"[^>]*>(\d+)</span>', page)
    return match.group(1) if match else None


@pytest.fixture
def thread(db: object, member: User) -> Thread:
    board = Board.objects.create(slug="b", name="Board")
    return services.create_thread(board=board, author=member, title="Hello there", body="Hi")


@pytest.mark.parametrize("url_name", ["home", "forums:board", "forums:thread"])
def test_roles_two_factor_and_unread_count_cost_one_query(
    url_name: str, thread: Thread, moderator: User
) -> None:
    args = {"forums:board": [thread.board.slug], "forums:thread": [thread.pk]}.get(url_name, [])
    sqls = _queries(login(Client(), moderator), reverse(url_name, args=args))
    folded = [s for s in sqls if "UNION ALL" in s]
    assert len(folded) == 1
    assert "accounts_roleassignment" in folded[0] and "mfa_authenticator" in folded[0]
    assert "notifications_notification" in folded[0]
    for table in ("accounts_roleassignment", "mfa_authenticator", "notifications_notification"):
        assert _alone(sqls, table) == [], table


def test_a_forum_page_reads_blocks_mutes_follows_and_read_marks_in_that_query(
    thread: Thread, outsider: User
) -> None:
    sqls = _queries(login(Client(), outsider), reverse("forums:thread", args=[thread.pk]))
    for table in ("forums_block", "forums_mute", "forums_threadfollow", "forums_threadreadstate"):
        assert _alone(sqls, table) == [], table


def test_a_revoked_role_stops_working_on_the_next_request(thread: Thread, moderator: User) -> None:
    c = login(Client(), moderator)
    url = reverse("forums:thread", args=[thread.pk])
    assert c.get(reverse("forums:moderation")).status_code == 200
    assert "Moderator tools" in c.get(url).content.decode()
    revoke_role(user=moderator, role=Role.MODERATOR, actor=None)
    assert c.get(reverse("forums:moderation")).status_code == 404
    assert "Moderator tools" not in c.get(url).content.decode()
    grant_role(user=moderator, role=Role.MODERATOR, actor=None)
    assert c.get(reverse("forums:moderation")).status_code == 200


def test_a_removed_authenticator_stops_staff_access_on_the_next_request(
    thread: Thread, moderator: User
) -> None:
    c = login(Client(), moderator)
    url = reverse("forums:thread", args=[thread.pk])
    assert "Moderator tools" in c.get(url).content.decode()
    Authenticator.objects.filter(user=moderator).delete()
    assert "Moderator tools" not in c.get(url).content.decode()
    assert c.get(reverse("forums:moderation")).status_code == 302  # sent to set up 2FA


def test_the_header_count_is_fresh_on_every_page(thread: Thread, outsider: User) -> None:
    c = login(Client(), outsider)
    for url in ("/", reverse("forums:thread", args=[thread.pk])):
        assert _badge(c.get(url).content.decode()) is None
    notify(recipient=outsider, kind="reply", title="One")
    notify(recipient=outsider, kind="reply", title="Two")
    for url in ("/", reverse("forums:thread", args=[thread.pk])):
        assert _badge(c.get(url).content.decode()) == "2", url
    Notification.objects.filter(recipient=outsider).update(read_at="2026-01-01T00:00:00Z")
    assert _badge(c.get("/").content.decode()) is None


@pytest.mark.parametrize(
    "roles", [(), (Role.PEER_SUPPORTER,), (Role.MODERATOR,), (Role.CLINICIAN,), (Role.ADMIN,)]
)
def test_primed_access_is_what_the_database_says(
    roles: tuple[str, ...], make_user: Callable[..., User]
) -> None:
    person = make_user(roles=roles)
    loaded = User.objects.get(pk=person.pk)
    primed = User.objects.get(pk=person.pk)
    assert not access_is_primed(primed)
    with CaptureQueriesContext(connection) as ctx:
        prime_access(primed, fetch_facts(access_facts(primed.pk)))
        roles_seen = (primed.roles, primed.is_verified_clinician, has_two_factor(primed))
    assert len(ctx.captured_queries) == 1
    assert access_is_primed(primed)
    assert roles_seen == (loaded.roles, loaded.is_verified_clinician, has_two_factor(loaded))
