"""Forum services: threads, replies, edits, reactions, counts, notifications, moderation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from peerhaven.accounts.models import AuditEvent, User
from peerhaven.forums import services
from peerhaven.forums.models import (
    Board,
    ModerationAction,
    Post,
    PostRevision,
    ReactionKind,
    Report,
    Thread,
    ThreadFollow,
)
from peerhaven.notifications.models import Notification
from peerhaven.safety.gate import GateOutcome

pytestmark = pytest.mark.django_db

HOLD = GateOutcome(level="imminent", evidence=[{"rule": "method"}], method=True)


def test_create_thread_stores_rendered_html_and_counts_on_the_board(
    board: Board, member: User
) -> None:
    thread = services.create_thread(
        board=board, author=member, title="  Small   steps ", body="I **showered** today."
    )
    post = thread.posts.get()
    assert thread.title == "Small steps"
    assert post.body_html == "<p>I <strong>showered</strong> today.</p>\n"
    board.refresh_from_db()
    assert (board.thread_count, board.post_count) == (1, 1)
    assert ThreadFollow.objects.filter(thread=thread, user=member).exists()


def test_every_post_is_screened_before_it_is_stored(board: Board, member: User) -> None:
    seen: list[bool] = []

    def screen(*, text: str, kind: str, author: object) -> GateOutcome:
        seen.append(Post.objects.exists())
        assert kind == "forums.post"
        return GateOutcome(level="none")

    with mock.patch("peerhaven.forums.services.screen_user_text", side_effect=screen):
        thread = services.create_thread(board=board, author=member, title="Hello", body="Hi all")
    assert seen == [False]
    with (
        mock.patch("peerhaven.forums.services.screen_user_text", side_effect=screen),
        mock.patch("peerhaven.forums.services.report_outcome") as reported,
    ):
        post = services.reply(thread=thread, author=member, body="Me again")
    assert reported.call_args.kwargs["obj"] == post
    assert reported.call_args.kwargs["kind"] == "forums.post"


def test_the_screening_level_and_evidence_are_stored_on_the_post(
    thread: Thread, outsider: User
) -> None:
    outcome = GateOutcome(level="concern", evidence=[{"phrase": "hopeless"}])
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=outcome):
        post = services.reply(thread=thread, author=outsider, body="I feel hopeless")
    assert post.risk_level == "concern"
    assert post.risk_evidence["evidence"] == [{"phrase": "hopeless"}]
    assert not post.is_held


def test_a_held_reply_is_stored_but_not_counted_until_released(
    thread: Thread, outsider: User, moderator: User
) -> None:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        post = services.reply(thread=thread, author=outsider, body="text held for review")
    thread.refresh_from_db()
    assert post.is_held and Post.objects.filter(pk=post.pk).exists()
    assert thread.reply_count == 0 and thread.answered_at is None
    services.release_post(post=post, actor=moderator, reason="Reviewed; support offered")
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.answered_at is not None
    assert ModerationAction.objects.filter(post=post, action="release").exists()


def test_a_held_opening_post_holds_the_whole_thread(board: Board, member: User) -> None:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        thread = services.create_thread(board=board, author=member, title="Tonight", body="x y")
    assert thread.is_held
    board.refresh_from_db()
    assert board.thread_count == 0


def test_empty_and_overlong_posts_are_refused_with_a_message(thread: Thread, member: User) -> None:
    with pytest.raises(ValidationError) as empty:
        services.reply(thread=thread, author=member, body="   \n ")
    assert "write something" in str(empty.value)
    with pytest.raises(ValidationError) as long:
        services.reply(thread=thread, author=member, body="a" * 100_000)
    assert "100000" in str(long.value)
    assert thread.posts.count() == 1


def test_reply_counts_positions_and_marks_the_thread_answered(
    thread: Thread, member: User, outsider: User
) -> None:
    own = services.reply(thread=thread, author=member, body="Adding a bit more")
    thread.refresh_from_db()
    assert own.position == 2 and thread.answered_at is None
    other = services.reply(thread=thread, author=outsider, body="I hear you")
    thread.refresh_from_db()
    assert other.position == 3
    assert thread.reply_count == 2 and thread.last_position == 3
    assert thread.answered_at is not None


def test_the_author_is_told_about_the_first_reply_from_someone_else(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    services.reply(thread=thread, author=outsider, body="You are not alone")
    first = Notification.objects.get(recipient=member)
    assert "first reply" in first.title
    services.reply(thread=thread, author=peer_supporter, body="Same here")
    titles = list(Notification.objects.filter(recipient=member).values_list("title", flat=True))
    assert len(titles) == 2 and "New reply" in titles[0] + titles[1]
    # The first replier follows the thread now and hears about the next reply.
    assert Notification.objects.filter(recipient=outsider, kind="reply").count() == 1


def test_anonymous_replies_do_not_reveal_the_author_in_notifications(
    thread: Thread, member: User, outsider: User
) -> None:
    services.reply(thread=thread, author=outsider, body="Hugs", anonymous=True)
    note = Notification.objects.get(recipient=member)
    assert outsider.display_name not in note.title + note.body
    assert "Anonymous member" in note.body


def test_mentions_notify_the_named_member(
    thread: Thread, outsider: User, peer_supporter: User
) -> None:
    services.reply(thread=thread, author=outsider, body="@Steady Lantern might know, thoughts?")
    assert Notification.objects.filter(recipient=peer_supporter, kind="mention").count() == 1


def test_mentions_do_not_reach_people_who_cannot_see_the_board(
    lounge: Board, peer_supporter: User, member: User
) -> None:
    thread = services.create_thread(
        board=lounge, author=peer_supporter, title="Lounge", body="Hi @Quiet Harbor"
    )
    assert thread.pk
    assert not Notification.objects.filter(recipient=member).exists()


def test_named_replies_of_blocked_members_do_not_notify_the_blocker(
    make_thread: Callable[..., Thread], member: User, outsider: User, peer_supporter: User
) -> None:
    thread = make_thread(peer_supporter)
    services.follow_thread(thread=thread, user=member)
    services.block_member(blocker=member, blocked=outsider)
    services.reply(thread=thread, author=outsider, body="hello")
    assert not Notification.objects.filter(recipient=member).exists()


def test_blocked_members_cannot_reply_in_the_blockers_named_threads(
    thread: Thread, member: User, outsider: User
) -> None:
    services.block_member(blocker=member, blocked=outsider)
    for anonymous in (False, True):
        with pytest.raises(PermissionDenied):
            services.reply(thread=thread, author=outsider, body="hello", anonymous=anonymous)
    assert thread.posts.count() == 1
    assert not Notification.objects.filter(recipient=member).exists()


def test_replying_to_a_locked_thread_is_refused(
    thread: Thread, outsider: User, moderator: User
) -> None:
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="Resolved")
    with pytest.raises(ValidationError) as exc:
        services.reply(thread=thread, author=outsider, body="too late?")
    assert exc.value.code == "locked"


def test_members_cannot_post_in_announcements(announcements: Board, member: User) -> None:
    with pytest.raises(PermissionDenied):
        services.create_thread(board=announcements, author=member, title="Hi", body="Hello")


def test_members_cannot_start_threads_in_a_board_they_cannot_see(
    lounge: Board, member: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.create_thread(board=lounge, author=member, title="Hello", body="Hello")


def test_editing_keeps_the_old_text_as_a_revision(thread: Thread, member: User) -> None:
    post = thread.posts.get()
    services.edit_post(post=post, actor=member, body="Mornings *and* evenings")
    post.refresh_from_db()
    assert post.body_html == "<p>Mornings <em>and</em> evenings</p>\n"
    assert post.edited_at is not None
    revision = PostRevision.objects.get(post=post)
    assert revision.body.startswith("Does anyone else")


def test_editing_after_the_window_is_refused(thread: Thread, member: User) -> None:
    post = thread.posts.get()
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=1))
    post.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.edit_post(post=post, actor=member, body="changed")
    assert exc.value.code == "edit_window"


def test_nobody_edits_someone_elses_post(thread: Thread, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.edit_post(post=thread.posts.get(), actor=outsider, body="mine now")


def test_reacting_twice_is_refused_and_counts_stay_right(
    thread: Thread, outsider: User, peer_supporter: User
) -> None:
    post = thread.posts.get()
    services.react(post=post, user=outsider, kind=ReactionKind.ME_TOO)
    with pytest.raises(ValidationError) as exc:
        services.react(post=post, user=outsider, kind=ReactionKind.ME_TOO)
    assert exc.value.code == "duplicate"
    services.react(post=post, user=outsider, kind=ReactionKind.HEAR_YOU)
    services.react(post=post, user=peer_supporter, kind=ReactionKind.ME_TOO)
    post.refresh_from_db()
    thread.refresh_from_db()
    assert (post.me_too_count, post.hear_you_count, thread.me_too_count) == (2, 1, 2)
    assert services.unreact(post=post, user=outsider, kind=ReactionKind.ME_TOO)
    assert not services.unreact(post=post, user=outsider, kind=ReactionKind.ME_TOO)
    post.refresh_from_db()
    thread.refresh_from_db()
    assert (post.me_too_count, thread.me_too_count) == (1, 1)


def test_me_too_counts_people_not_posts(thread: Thread, member: User, outsider: User) -> None:
    second = services.reply(thread=thread, author=member, body="more")
    services.react(post=thread.posts.get(position=1), user=outsider, kind="me_too")
    services.react(post=second, user=outsider, kind="me_too")
    thread.refresh_from_db()
    assert thread.me_too_count == 1


def test_members_cannot_react_to_their_own_posts(thread: Thread, member: User) -> None:
    with pytest.raises(PermissionDenied):
        services.react(post=thread.posts.get(), user=member, kind="me_too")


def test_hiding_a_post_tells_the_author_why_and_is_audited(
    thread: Thread, member: User, outsider: User, moderator: User
) -> None:
    post = thread.posts.get()
    report = services.report_post(post=post, reporter=outsider, reason="unkind", detail="rude")
    services.hide_post(post=post, actor=moderator, reason="Shares a phone number")
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Shares a phone number"
    assert report.resolved_at is not None and report.resolved_by == moderator
    note = Notification.objects.get(recipient=member, kind="moderation")
    assert "Shares a phone number" in note.body
    event = AuditEvent.objects.get(action="forums.post.hide")
    assert event.subject == member and event.actor == moderator
    assert "phone" not in str(event.detail)


def test_moderator_actions_need_a_reason(thread: Thread, moderator: User) -> None:
    with pytest.raises(ValidationError):
        services.set_locked(thread=thread, actor=moderator, locked=True, reason=" ")


def test_members_cannot_moderate(thread: Thread, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.hide_post(post=thread.posts.get(), actor=outsider, reason="no")


def test_moderators_without_two_factor_cannot_moderate(
    thread: Thread, make_user: Callable[..., User]
) -> None:
    mod = make_user(roles=("moderator",), two_factor=False)
    with pytest.raises(PermissionDenied):
        services.set_pinned(thread=thread, actor=mod, pinned=True, reason="useful")


def test_moving_a_thread_moves_its_counts(
    thread: Thread, board: Board, announcements: Board, moderator: User
) -> None:
    services.move_thread(thread=thread, actor=moderator, board=announcements, reason="News")
    board.refresh_from_db()
    announcements.refresh_from_db()
    assert (board.thread_count, announcements.thread_count) == (0, 1)
    assert Thread.objects.get(pk=thread.pk).board == announcements


def test_deleting_a_thread_is_soft_and_keeps_the_reason(
    thread: Thread, moderator: User, member: User
) -> None:
    services.delete_thread(thread=thread, actor=moderator, reason="Duplicate of another thread")
    thread.refresh_from_db()
    assert thread.deleted_at is not None
    assert thread.deleted_reason == "Duplicate of another thread"
    assert Notification.objects.filter(recipient=member, kind="moderation").exists()


def test_reports_are_screened_and_rate_limited(thread: Thread, outsider: User) -> None:
    post = thread.posts.get()
    with mock.patch("peerhaven.forums.services.screen_user_text") as screen:
        screen.return_value = GateOutcome(level="none")
        # A note about the post is not the reporter's risk: not screened as theirs.
        services.report_post(post=post, reporter=outsider, reason="risk", detail="worried")
        assert screen.call_args is None
        # The reporter's own words at risk are.
        mine = "this post makes me want to die"
        services.report_post(post=post, reporter=outsider, reason="risk", detail=mine)
    assert screen.call_args.kwargs["text"] == mine
    assert Report.objects.count() == 2


def test_posting_is_rate_limited(thread: Thread, outsider: User) -> None:
    with mock.patch("peerhaven.forums.services.POST_RATE", (2, 600)):
        services.reply(thread=thread, author=outsider, body="one")
        services.reply(thread=thread, author=outsider, body="two")
        with pytest.raises(ValidationError) as exc:
            services.reply(thread=thread, author=outsider, body="three")
    assert exc.value.code == "rate_limited"


def test_the_author_hears_about_reactions_unless_they_blocked_the_reactor(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    post = thread.posts.get()
    services.react(post=post, user=outsider, kind="me_too")
    note = Notification.objects.get(recipient=member, kind="reaction")
    assert note.title == "Stray Comet said “Me too” to your post"
    services.block_member(blocker=member, blocked=peer_supporter)
    services.react(post=post, user=peer_supporter, kind="strength")
    assert Notification.objects.filter(recipient=member, kind="reaction").count() == 1


def test_a_forum_report_also_lands_in_the_unified_safety_queue(
    thread: Thread, outsider: User, member: User
) -> None:
    from peerhaven.safety.models import RiskAlert

    post = thread.posts.get()
    services.report_post(post=post, reporter=outsider, reason="other", detail="Unkind words")
    alert = RiskAlert.objects.get(source="report")
    assert alert.author == thread.author
    assert "Unkind words" in alert.reason
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "detail", "level", "minutes"),
    [
        ("other", "Unkind words", "concern", 240),
        ("risk", "worried about them", "ideation", 60),
        ("other", "she wrote that she wants to die", "ideation", 60),
        ("risk", 'she wrote "I am going to kill myself tonight"', "imminent", 15),
    ],
)
def test_a_report_of_risk_enters_the_queue_at_that_risk(
    thread: Thread, outsider: User, reason: str, detail: str, level: str, minutes: int
) -> None:
    from peerhaven.safety.models import RiskAlert

    services.report_post(post=thread.posts.get(), reporter=outsider, reason=reason, detail=detail)
    alert = RiskAlert.objects.get(source="report")
    assert alert.level == level
    assert (alert.sla_due_at - alert.created_at).total_seconds() == minutes * 60


def test_resolving_a_held_posts_alert_in_the_safety_queue_publishes_it(thread: Thread) -> None:
    from peerhaven.safety.services import _hold_releasers

    post = thread.posts.get()
    Post.objects.filter(pk=post.pk).update(is_held=True)
    _hold_releasers["forums.post"](str(post.pk), True)
    post.refresh_from_db()
    assert post.is_held is False
