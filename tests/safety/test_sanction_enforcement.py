"""Mutes and bans where members meet them: the ban page, the API, forums and group rooms."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.services import create_token
from peerhaven.forums import services as forums
from peerhaven.forums.models import Board, Post, Thread
from peerhaven.safety import services
from peerhaven.safety.permissions import PostingRestrictedError

REASON = "Repeated personal attacks in the evening board"


@pytest.fixture
def board(db: Any) -> Board:
    return Board.objects.create(slug="evenings", name="Evenings")


@pytest.fixture
def thread(board: Board, outsider: User) -> Thread:
    return forums.create_thread(board=board, author=outsider, title="Evenings", body="Hello all")


def _ban(member: User, moderator: User, hours: int | None = 72) -> Any:
    return services.take_action(
        member=member, moderator=moderator, kind="ban", reason=REASON, hours=hours
    )


def _mute(member: User, moderator: User, hours: int | None = 24) -> Any:
    return services.take_action(
        member=member, moderator=moderator, kind="mute", reason=REASON, hours=hours
    )


# --- The ban page ------------------------------------------------------------------------------


def test_a_banned_member_sees_the_reason_the_end_and_how_to_appeal_on_every_page(
    member: User, moderator: User, thread: Thread
) -> None:
    _ban(member, moderator)
    client = login(Client(), member)
    for path in ("/", "/forums/", f"/forums/t/{thread.pk}/", "/groups/", "/mentoring/"):
        response = client.get(path)
        assert response.status_code == 403, path
        page = response.content.decode()
        assert "Your account is suspended for now" in page
        assert REASON in page
        assert "/safety/actions/" in page  # the appeal page
        assert 'href="/help/"' in page  # crisis help stays one tap away


def test_a_ban_leaves_crisis_help_the_plan_the_appeal_the_data_and_sign_out_open(
    member: User, moderator: User
) -> None:
    _ban(member, moderator)
    client = login(Client(), member)
    for path in (
        "/help/",
        "/safety/plan/",
        "/safety/plan/edit/",
        "/safety/plan/print/",
        "/safety/actions/",
        "/settings/privacy/",
        "/guidelines/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        # The notice says why on the pages that stay open.
        assert REASON in response.content.decode(), path
    export = client.post("/settings/privacy/export/")
    assert export.status_code == 200 and export["Content-Type"] == "application/json"
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_banned_member_can_appeal_from_the_appeal_page(member: User, moderator: User) -> None:
    action = _ban(member, moderator)
    client = login(Client(), member)
    response = client.post(f"/safety/actions/{action.pk}/appeal/", {"text": "Please look again"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.appeal.text == "Please look again"


def test_a_post_refused_by_a_ban_is_shown_back_so_nothing_is_lost(
    member: User, moderator: User, thread: Thread
) -> None:
    _ban(member, moderator)
    client = login(Client(), member)
    response = client.post(f"/forums/t/{thread.pk}/reply/", {"body": "My half-written reply"})
    assert response.status_code == 403
    assert "My half-written reply" in response.content.decode()
    assert not Post.objects.filter(body="My half-written reply").exists()


def test_the_ban_page_ends_when_the_ban_ends(
    member: User, moderator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = _ban(member, moderator, hours=3)
    client = login(Client(), member)
    assert client.get("/forums/").status_code == 403
    later = action.ends_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get("/forums/").status_code == 200


def test_other_members_and_visitors_are_not_affected(
    member: User, moderator: User, outsider: User
) -> None:
    _ban(member, moderator)
    assert login(Client(), outsider).get("/forums/").status_code == 200
    assert Client().get("/help/").status_code == 200


def test_api_requests_of_a_banned_member_get_403_in_the_api_error_shape(
    member: User, moderator: User
) -> None:
    secret = create_token(user=member, name="script").secret
    _ban(member, moderator)
    for client, headers in (
        (login(Client(), member), {}),
        (Client(), {"Authorization": f"Bearer {secret}"}),
    ):
        response = client.get("/api/forums/boards", headers=headers)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "banned" and REASON in error["message"]


def test_a_token_that_does_not_exist_is_left_to_the_api_to_refuse(db: Any) -> None:
    response = Client().get("/api/forums/boards", headers={"Authorization": "Bearer ph_nope"})
    assert response.status_code == 401


# --- Mutes in the forums -----------------------------------------------------------------------


def test_a_muted_member_can_read_but_a_reply_is_refused_with_the_reason_and_kept(
    member: User, moderator: User, thread: Thread
) -> None:
    _mute(member, moderator)
    client = login(Client(), member)
    page = client.get(f"/forums/t/{thread.pk}/")
    assert page.status_code == 200
    assert "Your posting is paused" in page.content.decode()  # the notice, before writing
    response = client.post(f"/forums/t/{thread.pk}/reply/", {"body": "Draft I care about"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Draft I care about" in html and REASON in html
    assert not Post.objects.filter(body="Draft I care about").exists()


def test_a_muted_member_cannot_start_a_thread_and_keeps_the_title_and_text(
    member: User, moderator: User, board: Board
) -> None:
    _mute(member, moderator)
    client = login(Client(), member)
    response = client.post(
        f"/forums/b/{board.slug}/new/", {"title": "My title here", "body": "My long story"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "My title here" in html and "My long story" in html and REASON in html
    assert not Thread.objects.filter(title="My title here").exists()


def test_a_muted_member_cannot_edit_a_post_and_keeps_the_new_text(
    member: User, moderator: User, board: Board
) -> None:
    own = forums.create_thread(board=board, author=member, title="Mine", body="First words")
    post = Post.objects.get(thread=own, position=1)
    _mute(member, moderator)
    client = login(Client(), member)
    response = client.post(f"/forums/p/{post.pk}/edit/", {"body": "Changed words"})
    assert response.status_code == 403
    assert "Changed words" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "First words"


def test_a_muted_member_can_still_react(member: User, moderator: User, thread: Thread) -> None:
    _mute(member, moderator)
    post = Post.objects.get(thread=thread, position=1)
    forums.react(post=post, user=member, kind="me_too")
    post.refresh_from_db()
    assert post.me_too_count == 1


def test_the_forum_api_refuses_a_muted_member_with_the_reason(
    member: User, moderator: User, thread: Thread
) -> None:
    _mute(member, moderator)
    secret = create_token(user=member, name="app").secret
    response = Client().post(
        f"/api/forums/threads/{thread.pk}/posts",
        {"body": "From the app"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "muted" and REASON in error["message"]


def test_posting_works_again_once_the_mute_ends(
    member: User, moderator: User, thread: Thread, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = _mute(member, moderator, hours=1)
    with pytest.raises(PostingRestrictedError):
        forums.reply(thread=thread, author=member, body="Too soon")
    later = action.ends_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert forums.reply(thread=thread, author=member, body="Back again").pk


# --- Mutes in group rooms ----------------------------------------------------------------------


@pytest.fixture
def room(member: User, make_user: Callable[..., User]) -> Any:
    from peerhaven.groups import services as groups
    from peerhaven.groups.models import (
        Facilitator,
        FacilitatorTraining,
        Meeting,
        Membership,
        MembershipStatus,
        SupportGroup,
    )

    facilitator = make_user(roles=(Role.PEER_SUPPORTER,))
    today = timezone.localdate()
    FacilitatorTraining.objects.create(
        peer_supporter=facilitator,
        completed_on=today - datetime.timedelta(days=30),
        trainer="Peer Trainer",
        expires_on=today + datetime.timedelta(days=300),
    )
    group = SupportGroup.objects.create(
        name="Evening Circle",
        slug="evening-circle",
        topic="Young adults",
        agreement_text="We listen without judging.",
        time_zone="Europe/London",
        capacity=10,
    )
    Facilitator.objects.create(group=group, user=facilitator)
    Membership.objects.create(
        group=group,
        user=member,
        status=MembershipStatus.ACTIVE,
        agreement_version=group.agreement_version,
        agreement_accepted_at=timezone.now(),
        joined_at=timezone.now(),
    )
    groups._sync_member_count(group)
    start = timezone.now() + datetime.timedelta(minutes=5)
    meeting = Meeting.objects.create(
        group=group, starts_at=start, ends_at=start + datetime.timedelta(minutes=90)
    )
    return meeting, facilitator


def test_a_muted_member_cannot_write_in_a_group_room(
    member: User, moderator: User, room: Any
) -> None:
    from peerhaven.groups import services as groups
    from peerhaven.groups.models import RoomMessage

    meeting, facilitator = room
    assert groups.post_room_message(meeting_id=meeting.pk, author=member, body="Hi all").pk
    _mute(member, moderator)
    with pytest.raises(PostingRestrictedError) as caught:
        groups.post_room_message(meeting_id=meeting.pk, author=member, body="Still here")
    assert caught.value.code == "muted" and REASON in str(caught.value)
    assert not RoomMessage.objects.filter(body="Still here").exists()
    # A moderator's mute covers facilitators too, welcome notices included.
    _mute(facilitator, moderator)
    with pytest.raises(PostingRestrictedError):
        groups.post_welcome(meeting_id=meeting.pk, actor=facilitator)
