"""Forum data in "download my data" and "erase my account"."""

from __future__ import annotations

import pytest

from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.forums import services
from peerhaven.forums.models import Post, Reaction, Thread, ThreadRevision

pytestmark = pytest.mark.django_db


def test_the_export_holds_posts_reactions_blocks_and_mutes(
    thread: Thread, member: User, outsider: User
) -> None:
    services.reply(thread=thread, author=outsider, body="My reply text")
    services.react(post=thread.posts.get(position=1), user=outsider, kind="me_too")
    services.block_member(blocker=outsider, blocked=member)
    services.mute_warning(user=outsider, warning="grief")
    data = export_member_data(user=outsider)["forums"]
    assert [p["body"] for p in data["posts"]] == ["My reply text"]
    assert data["reactions"][0]["kind"] == "me_too"
    assert data["blocked"] == ["Quiet Harbor"]
    assert data["muted_warnings"] == ["grief"]


def test_anonymising_keeps_posts_as_deleted_member(
    thread: Thread, member: User, outsider: User
) -> None:
    reply = services.reply(thread=thread, author=outsider, body="Kind words")
    services.react(post=thread.posts.get(position=1), user=outsider, kind="me_too")
    erase_member(user=outsider, mode=EraseMode.ANONYMISE)
    reply.refresh_from_db()
    assert reply.author is None and reply.body == "Kind words"
    assert not Reaction.objects.exists()


def test_removing_deletes_posts_and_threads_nobody_answered(
    thread: Thread, member: User, outsider: User
) -> None:
    services.reply(thread=thread, author=outsider, body="Reply that stays")
    lonely = services.create_thread(
        board=thread.board, author=member, title="Nobody answered", body="alone"
    )
    services.reply(thread=thread, author=member, body="My own reply")
    erase_member(user=member, mode=EraseMode.REMOVE)
    assert not Thread.objects.filter(pk=lonely.pk).exists()
    thread.refresh_from_db()
    assert thread.author is None and thread.title == "[removed by its author]"
    assert list(Post.objects.filter(thread=thread).values_list("body", flat=True)) == [
        "[removed by its author]",
        "Reply that stays",
    ]
    assert thread.reply_count == 1


def test_earlier_titles_are_exported_and_removed_with_the_account(
    thread: Thread, member: User, outsider: User
) -> None:
    services.edit_title(thread=thread, actor=member, title="My second title")
    services.reply(thread=thread, author=outsider, body="Reply that stays")
    data = export_member_data(user=member)["forums"]
    assert [t["title"] for t in data["earlier_titles"]] == ["Mornings are the hardest"]
    erase_member(user=member, mode=EraseMode.REMOVE)
    assert not ThreadRevision.objects.exists()
    thread.refresh_from_db()
    assert thread.title == "[removed by its author]"
