"""Every write in the forums: threads, replies, edits, reactions, follows, mutes, blocks,
reports and moderation. Views, the API, the demo and tests all call these functions.

Each function screens member text through the safety gate *before* storing it, reports the
outcome in the same transaction, keeps the denormalised counts right and schedules
notifications. Moderator actions are recorded twice: a ``ModerationAction`` the author sees
(with the reason) and an audit event.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts import audit, ratelimit
from peerhaven.accounts.models import User
from peerhaven.forums import permissions, queries
from peerhaven.forums.models import (
    Block,
    Board,
    ContentWarning,
    ModAction,
    ModerationAction,
    Mute,
    Post,
    PostRevision,
    Reaction,
    ReactionGiven,
    ReactionKind,
    Report,
    ReportReason,
    Thread,
    ThreadFollow,
    ThreadReadState,
    ThreadRevision,
    Visibility,
)
from peerhaven.forums.rendering import render_markdown
from peerhaven.notifications.services import notify
from peerhaven.safety.gate import GateOutcome, report_outcome, screen_user_text
from peerhaven.safety.permissions import check_post

MAX_BODY = 20_000
MAX_TITLE = 140
MIN_TITLE = 3
MAX_REASON = 500
POST_RATE = (30, 600)  # posts per member per 10 minutes
EDIT_RATE = (30, 600)  # edits of posts and titles per member per 10 minutes
REPORT_RATE = (20, 3600)
SCREEN_KIND = "forums.post"
ANONYMOUS = "Anonymous member"
MENTION = re.compile(r"(?<![\w@])@(\w[\w .'-]{0,29})")

logger = logging.getLogger(__name__)


# --- helpers ----------------------------------------------------------------------------------


def _validate_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise ValidationError({"body": [_("Please write something before posting.")]})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {
                "body": [
                    _(
                        "Posts can be up to %(max)d characters; this one has %(n)d. "
                        "Your text is still here: split it into two posts, perhaps."
                    )
                    % {"max": MAX_BODY, "n": len(body)}
                ]
            }
        )
    return body


def _validate_warning(warning: str) -> str:
    warning = warning or ""
    if warning and warning not in ContentWarning.values:
        raise ValidationError({"content_warning": [_("Choose a content warning from the list.")]})
    return warning


def _validate_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < MIN_TITLE:
        raise ValidationError({"title": [_("Give your thread a title of a few words.")]})
    if len(title) > MAX_TITLE:
        raise ValidationError(
            {"title": [_("Titles can be up to %(max)d characters.") % {"max": MAX_TITLE}]}
        )
    return title


def _validate_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Give a reason: the author will see it.")]}, code="reason"
        )
    if len(reason) > MAX_REASON:
        # Said, not cut: the author would read half a sentence.
        raise ValidationError(
            {"reason": [_("Keep the reason under %(n)d characters.") % {"n": MAX_REASON}]},
            code="reason",
        )
    return reason


def _rate_limit(scope: str, user: User, rate: tuple[int, int], message: str | None = None) -> None:
    limit, window = rate
    if not ratelimit.hit(scope, str(user.pk), limit=limit, window=window):
        raise ValidationError(
            message or _("You are posting very quickly. Please wait a few minutes and try again."),
            code="rate_limited",
        )


def _rate_limit_edit(user: User) -> None:
    _rate_limit(
        "forums.edit",
        user,
        EDIT_RATE,
        _(
            "You are making changes very quickly. Please wait a few minutes and try again; "
            "your text is still here."
        ),
    )


def _screen(text: str, author: User) -> GateOutcome:
    return screen_user_text(text=text, kind=SCREEN_KIND, author=author)


def post_url(post: Post) -> str:
    url = reverse("forums:thread", args=[post.thread_id])
    page = queries.page_for_position(post.position)
    if page > 1:
        url += f"?page={page}"
    return f"{url}#post-{post.position}"


def author_label(post: Post) -> str:
    if post.is_anonymous:
        return ANONYMOUS
    return post.author.display_name if post.author else _("[deleted member]")


def _blockers_of(author: User) -> set[int]:
    return set(Block.objects.filter(blocked=author).values_list("blocker_id", flat=True))


def _mentioned(text: str, author: User) -> list[User]:
    """Members named as ``@Display Name`` in ``text`` (longest matching name wins)."""
    candidates: set[str] = set()
    for match in MENTION.finditer(text[:MAX_BODY]):
        words = match.group(1).split(" ")
        for n in range(1, min(len(words), 4) + 1):
            name = " ".join(words[:n]).rstrip(".,'!?-")
            if name:
                candidates.add(name)
        if len(candidates) > 60:
            break
    if not candidates:
        return []
    users = User.objects.filter(display_name__in=candidates, is_active=True).exclude(pk=author.pk)
    return list(users[:10])


def _check_mentions(text: str, author: User) -> None:
    """Refuse a post that mentions someone who blocked its author (named or anonymous: a
    blocked member cannot reach the blocker through a mention). Said plainly, so the writer
    can take the mention out; nothing else about the block is shown."""
    mentioned = [u.pk for u in _mentioned(text, author)]
    if not mentioned:
        return
    names = sorted(
        Block.objects.filter(blocker_id__in=mentioned, blocked=author).values_list(
            "blocker__display_name", flat=True
        )
    )
    if names:
        raise ValidationError(
            {
                "body": [
                    _("You cannot mention %(names)s. Please take the mention out.")
                    % {"names": ", ".join(f"@{n}" for n in names)}
                ]
            },
            code="mention_blocked",
        )


def _notify_new_post(post: Post, *, first_reply: bool) -> None:
    """Tell followers, the author (on a first reply) and mentioned members about ``post``."""
    thread = post.thread
    author = post.author
    if author is None:
        return
    who = author_label(post)
    url = post_url(post)
    # An anonymous post notifies blockers like everyone else: leaving them out would let a
    # blocker tell who wrote it. (The blocked member cannot mention them or reply in their
    # named threads at all: see _check_mentions and check_reply.)
    blockers = set() if post.is_anonymous else _blockers_of(author)
    muted = set(Mute.objects.filter(thread=thread).values_list("user_id", flat=True))
    skip = blockers | muted | {author.pk}
    done: set[int] = set()
    for user in _mentioned(post.body, author):
        if user.pk in skip or not permissions.can_see_thread(user, thread):
            continue
        notify(
            recipient=user,
            kind="mention",
            title=_("%(who)s mentioned you in “%(title)s”") % {"who": who, "title": thread.title},
            url=url,
        )
        done.add(user.pk)
    # Only people who can still open the thread hear about it: a thread moved to a restricted
    # board, or a role taken away, must not keep sending its title and repliers' names.
    if (
        first_reply
        and thread.author is not None
        and thread.author.pk not in skip | done
        and permissions.can_see_thread(thread.author, thread)
    ):
        notify(
            recipient=thread.author,
            kind="reply",
            title=_("Your thread “%(title)s” has its first reply") % {"title": thread.title},
            body=_("%(who)s replied. You are not alone in this.") % {"who": who},
            url=url,
        )
        done.add(thread.author.pk)
    follows = (
        ThreadFollow.objects.filter(thread=thread)
        .exclude(user_id__in=skip | done)
        .select_related("user")
    )
    if thread.board.visibility == Visibility.ROLE:
        follows = follows.prefetch_related("user__role_assignments")  # for can_see_thread
    for follow in follows:
        if not follow.user.is_active or not permissions.can_see_thread(follow.user, thread):
            continue
        notify(
            recipient=follow.user,
            kind="reply",
            title=_("New reply in “%(title)s”") % {"title": thread.title},
            body=_("%(who)s replied.") % {"who": who},
            url=url,
        )


def _publish_counts(post: Post, *, now: Any) -> bool:
    """Count a newly visible reply on its thread and board; True if it is the first answer."""
    thread = post.thread
    first_answer = (
        post.position > 1
        and thread.answered_at is None
        and post.author_id is not None
        and post.author_id != thread.author_id
    )
    updates: dict[str, Any] = {"last_activity_at": now}
    if post.position > 1:
        updates["reply_count"] = F("reply_count") + 1
    if first_answer:
        updates["answered_at"] = now
    Thread.objects.filter(pk=thread.pk).update(**updates)
    Board.objects.filter(pk=thread.board_id).update(
        post_count=F("post_count") + 1, last_activity_at=now
    )
    thread.refresh_from_db(
        fields=["last_activity_at", "reply_count", "answered_at", "last_position"]
    )
    return first_answer


# --- threads and posts ------------------------------------------------------------------------


@transaction.atomic
def create_thread(
    *,
    board: Board,
    author: User,
    title: str,
    body: str,
    content_warning: str = "",
    anonymous: bool = False,
    request: HttpRequest | None = None,
) -> Thread:
    """Start a thread with its opening post.

    Preconditions: ``author`` may start threads in ``board``. The text is screened first; an
    opening post held for safety review holds the whole thread (author and moderators only).
    The author follows the thread automatically.
    """
    permissions.check_start_thread(author, board)
    check_post(author)  # a mute or ban: PostingRestrictedError, with the reason and the end
    errors: dict[str, Any] = {}
    for check, value in ((_validate_title, title), (_validate_body, body)):
        try:
            check(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    title = _validate_title(title)
    body = _validate_body(body)
    content_warning = _validate_warning(content_warning)
    _check_mentions(body, author)
    _rate_limit("forums.post", author, POST_RATE)
    outcome = _screen(f"{title}\n\n{body}", author)
    now = timezone.now()
    thread = Thread.objects.create(
        board=board,
        author=author,
        title=title,
        content_warning=content_warning,
        is_anonymous=anonymous,
        created_at=now,
        last_activity_at=now,
        is_held=outcome.hold,
    )
    post = Post.objects.create(
        thread=thread,
        author=author,
        position=1,
        body=body,
        body_html=render_markdown(body),
        content_warning=content_warning,
        is_anonymous=anonymous,
        risk_level=outcome.level,
        risk_evidence=outcome.as_dict(),
        is_held=outcome.hold,
        published_at=None if outcome.hold else now,
        created_at=now,
    )
    ThreadFollow.objects.create(user=author, thread=thread)
    ThreadReadState.objects.create(user=author, thread=thread, last_read_position=1)
    if not outcome.hold:
        Board.objects.filter(pk=board.pk).update(
            thread_count=F("thread_count") + 1, post_count=F("post_count") + 1, last_activity_at=now
        )
        _notify_new_post(post, first_reply=False)
    report_outcome(
        outcome=outcome, author=author, kind=SCREEN_KIND, obj=post, url=post_url(post),
        request=request,
    )  # fmt: skip
    return thread


@transaction.atomic
def reply(
    *,
    thread: Thread,
    author: User,
    body: str,
    content_warning: str = "",
    anonymous: bool = False,
    request: HttpRequest | None = None,
) -> Post:
    """Add a reply. Refuses locked threads (ValidationError "locked") and unseen boards.

    Side effects: counts and last activity, the author follows the thread, followers and
    mentioned members are notified, and the thread's author hears about the first reply
    from someone else. A held reply is stored but only counted once a moderator releases it.
    """
    blocked = queries.is_blocked_by_author(author, thread)
    permissions.check_reply(author, thread, blocked_by_author=blocked)
    check_post(author)
    body = _validate_body(body)
    content_warning = _validate_warning(content_warning)
    _check_mentions(body, author)
    _rate_limit("forums.post", author, POST_RATE)
    outcome = _screen(body, author)
    now = timezone.now()
    # The UPDATE takes the thread's row lock, so concurrent replies get distinct positions.
    Thread.objects.filter(pk=thread.pk).update(last_position=F("last_position") + 1)
    # Checked again under the lock: a moderator may have removed, locked, held or moved the
    # thread since the page (or the check above) read it; refusing rolls the position back.
    thread.refresh_from_db(fields=["last_position", "deleted_at", "is_locked", "is_held", "board"])
    permissions.check_reply(author, thread, blocked_by_author=blocked)
    post = Post.objects.create(
        thread=thread,
        author=author,
        position=thread.last_position,
        body=body,
        body_html=render_markdown(body),
        content_warning=content_warning,
        is_anonymous=anonymous,
        risk_level=outcome.level,
        risk_evidence=outcome.as_dict(),
        is_held=outcome.hold,
        published_at=None if outcome.hold else now,
        created_at=now,
    )
    ThreadFollow.objects.get_or_create(user=author, thread=thread)
    ThreadReadState.objects.update_or_create(
        user=author, thread=thread, defaults={"last_read_position": post.position, "read_at": now}
    )
    if not outcome.hold:
        first = _publish_counts(post, now=now)
        _notify_new_post(post, first_reply=first)
    report_outcome(
        outcome=outcome, author=author, kind=SCREEN_KIND, obj=post, url=post_url(post),
        request=request,
    )  # fmt: skip
    return post


@transaction.atomic
def edit_post(
    *,
    post: Post,
    actor: User,
    body: str,
    content_warning: str | None = None,
    request: HttpRequest | None = None,
) -> Post:
    """Change a post's text within the edit window, keeping the old text as a revision."""
    permissions.check_edit_post(actor, post)
    check_post(actor)
    body = _validate_body(body)
    warning = post.content_warning if content_warning is None else content_warning
    warning = _validate_warning(warning)
    if body == post.body and warning == post.content_warning:
        return post
    _check_mentions(body, actor)
    _rate_limit_edit(actor)
    outcome = _screen(body, actor)
    PostRevision.objects.create(post=post, body=post.body, editor=actor)
    if outcome.hold and not post.is_held:
        _withdraw_counts(post)
    post.body = body
    post.body_html = render_markdown(body)
    post.content_warning = warning
    post.risk_level = outcome.level
    post.risk_evidence = outcome.as_dict()
    post.is_held = post.is_held or outcome.hold
    post.edited_at = timezone.now()
    post.save()
    if post.position == 1:
        Thread.objects.filter(pk=post.thread_id).update(
            content_warning=warning, is_held=post.is_held
        )
    report_outcome(
        outcome=outcome, author=actor, kind=SCREEN_KIND, obj=post, url=post_url(post),
        request=request,
    )  # fmt: skip
    return post


def _withdraw_counts(post: Post) -> None:
    """Uncount a published post that an edit puts on hold, so that its release (which counts
    it again, see _publish_held) does not count it twice. The post was public, so it keeps a
    ``published_at`` (rows written in bulk may lack one): its release is not a first
    publication."""
    if post.published_at is None:
        post.published_at = post.created_at
        Post.objects.filter(pk=post.pk).update(published_at=post.created_at)
    thread = post.thread
    if post.position == 1:
        Board.objects.filter(pk=thread.board_id).update(
            thread_count=Greatest(F("thread_count") - 1, 0),
            post_count=Greatest(F("post_count") - 1, 0),
        )
    else:
        Thread.objects.filter(pk=thread.pk).update(reply_count=Greatest(F("reply_count") - 1, 0))
        Board.objects.filter(pk=thread.board_id).update(post_count=Greatest(F("post_count") - 1, 0))


@transaction.atomic
def edit_title(
    *,
    thread: Thread,
    actor: User,
    title: str,
    reason: str = "",
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> Thread:
    """Change a thread's title: its author within the edit window, a moderator at any time.

    The old title is kept as a ``ThreadRevision`` (moderators see the history). The new title
    is screened like any text; a title held for review holds the thread, as an opening post
    would. A moderator changing someone else's title gives a ``reason``: the author sees it
    in the thread's moderation notes and a notification, and the change is audited.
    Raises ValidationError (``title``; ``edit_window``/``locked`` when it is too late) and
    PermissionDenied for anyone else.
    """
    permissions.check_edit_title(actor, thread)
    check_post(actor)
    by_moderator = thread.author_id != actor.pk
    title = _validate_title(title)
    if by_moderator:
        reason = _validate_reason(reason)
    if title == thread.title:
        return thread
    _rate_limit_edit(actor)
    outcome = _screen(title, actor)
    if by_moderator:
        # A moderator's wording is the moderator's, not the author's risk: it is screened and
        # reported as the moderator's text (an alert names the moderator, on the thread, apart
        # from any alert on the author's post), and it never holds the author's thread.
        outcome = dataclasses.replace(outcome, method=False)
    opening = Post.objects.select_related("thread").filter(thread=thread, position=1).first()
    ThreadRevision.objects.create(thread=thread, title=thread.title, editor=actor)
    thread.title = title
    thread.title_edited_at = timezone.now()
    fields = ["title", "title_edited_at"]
    if outcome.hold and not thread.is_held and opening is not None:
        _withdraw_counts(opening)
        Post.objects.filter(pk=opening.pk).update(is_held=True)
        thread.is_held = True
        fields.append("is_held")
    thread.save(update_fields=fields)
    report_outcome(
        outcome=outcome, author=actor, kind=SCREEN_KIND,
        obj=thread if by_moderator or opening is None else opening,
        url=reverse("forums:thread", args=[thread.pk]), request=request,
    )  # fmt: skip
    if by_moderator:
        _moderate(
            actor=actor, action=ModAction.RETITLE, thread=thread, post=None, reason=reason,
            request=request, report=report,
        )  # fmt: skip
    return thread


# --- reactions --------------------------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in ReactionKind.values:
        raise ValidationError(_("Unknown reaction."), code="unknown_reaction")


def is_anonymous_in(thread_id: int, user: User, *, visible_only: bool = False) -> bool:
    """True if ``user`` has posted anonymously in the thread (as its anonymous author or in an
    anonymous reply): their reply form then starts anonymous (held posts count: one published
    later must not sit beside a named reply), and their reactions there are given anonymously
    (``visible_only``: only posts others can read count, or an anonymous reaction would tell
    readers that someone has a held anonymous post, which usually means risk)."""
    posts = Post.objects.filter(thread_id=thread_id, author=user, is_anonymous=True)
    if visible_only:
        posts = posts.filter(is_held=False, is_hidden=False)
    return posts.exists()


@transaction.atomic
def react(*, post: Post, user: User, kind: str) -> Reaction:
    """Add one reaction. Reacting twice with the same kind raises ValidationError "duplicate".

    A member who has posted anonymously in the thread reacts anonymously there: "Who
    reacted" and the author's notification say "Anonymous member" (moderators see who), as
    their posts do. Otherwise their name on reactions around their own thread or reply would
    tell who wrote it.

    The first giving of each kind to a post is remembered (``ReactionGiven``). Giving it again
    after taking it back keeps the anonymity it was first given with and notifies nobody: a
    switch from named to anonymous (or back), shown on the post and in a second notification,
    would link the name to the anonymous posts. The author is told once per reactor and kind,
    so two anonymous members giving the same reaction are two notifications."""
    _check_kind(kind)
    if not permissions.can_react(user, post):
        raise PermissionDenied(_("You cannot react to this post."))
    given = ReactionGiven.objects.filter(post=post, user=user, kind=kind).first()
    if given is None:
        anonymous = is_anonymous_in(post.thread_id, user, visible_only=True)
    else:
        anonymous = given.is_anonymous
    # "N people said me too" counts people as the thread shows them: a name and "Anonymous
    # member" are two. Counting the member once would leave the count unchanged when their
    # anonymous "Me too" appears beside their named one, which says who the anonymous one is.
    thread_first_me_too = (
        kind == ReactionKind.ME_TOO
        and not Reaction.objects.filter(
            post__thread=post.thread_id, user=user, kind=kind, is_anonymous=anonymous
        ).exists()
    )
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(
                post=post, user=user, kind=kind, is_anonymous=anonymous
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already reacted with “%(kind)s”.") % {"kind": ReactionKind(kind).label},
            code="duplicate",
        ) from None
    Post.objects.filter(pk=post.pk).update(**{f"{kind}_count": F(f"{kind}_count") + 1})
    if thread_first_me_too:
        Thread.objects.filter(pk=post.thread_id).update(me_too_count=F("me_too_count") + 1)
    post.refresh_from_db(fields=[f"{kind}_count"])
    if given is not None:
        # Taking a reaction back and giving it again is not news: without this, pressing the
        # button over and over sends the author a notification (and an e-mail) every time.
        return reaction
    _given, first = ReactionGiven.objects.get_or_create(
        post=post, user=user, kind=kind, defaults={"is_anonymous": anonymous}
    )
    author = post.author
    if (
        first
        and author is not None
        and author.is_active
        # An anonymous reaction reaches a blocker like everyone else's (as anonymous posts
        # do): leaving it out would tell the blocker who gave it.
        and (anonymous or not Block.objects.filter(blocker=author, blocked=user).exists())
        and not Mute.objects.filter(user=author, thread=post.thread_id).exists()
    ):
        title = _("%(who)s said “%(kind)s” to your post") % {
            "who": ANONYMOUS if anonymous else user.display_name,
            "kind": ReactionKind(kind).label,
        }
        notify(recipient=author, kind="reaction", title=title, url=post_url(post))
    return reaction


@transaction.atomic
def unreact(*, post: Post, user: User, kind: str) -> bool:
    """Take a reaction back; False if there was none."""
    _check_kind(kind)
    # The member's "Me too"s in the thread (post, anonymity), read before one is taken back:
    # the thread counts a person once as named and once as anonymous (see react()).
    me_too = (
        list(
            Reaction.objects.filter(post__thread=post.thread_id, user=user, kind=kind).values_list(
                "post_id", "is_anonymous"
            )
        )
        if kind == ReactionKind.ME_TOO
        else []
    )
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        return False
    Post.objects.filter(pk=post.pk, **{f"{kind}_count__gt": 0}).update(
        **{f"{kind}_count": F(f"{kind}_count") - 1}
    )
    taken = {anonymous for post_id, anonymous in me_too if post_id == post.pk}
    kept = {anonymous for post_id, anonymous in me_too if post_id != post.pk}
    if kind == ReactionKind.ME_TOO and not taken <= kept:
        Thread.objects.filter(pk=post.thread_id, me_too_count__gt=0).update(
            me_too_count=F("me_too_count") - 1
        )
    post.refresh_from_db(fields=[f"{kind}_count"])
    return True


# --- per-member state -------------------------------------------------------------------------


def follow_thread(*, thread: Thread, user: User) -> None:
    if not permissions.can_see_thread(user, thread):
        raise PermissionDenied
    ThreadFollow.objects.get_or_create(user=user, thread=thread)


def unfollow_thread(*, thread: Thread, user: User) -> None:
    ThreadFollow.objects.filter(user=user, thread=thread).delete()


def mark_read(*, thread: Thread, user: User, position: int) -> None:
    """Remember that ``user`` has read ``thread`` up to ``position`` (never moves backwards)."""
    position = min(position, thread.last_position)
    updated = ThreadReadState.objects.filter(
        user=user, thread=thread, last_read_position__lt=position
    ).update(last_read_position=position, read_at=timezone.now())
    if not updated:
        # One INSERT; if a row exists already (read further elsewhere) it is left alone.
        ThreadReadState.objects.bulk_create(
            [ThreadReadState(user=user, thread=thread, last_read_position=position)],
            ignore_conflicts=True,
        )


def block_member(*, blocker: User, blocked: User) -> None:
    """Hide what ``blocked`` writes under their name from ``blocker``; ``blocked`` can no
    longer mention ``blocker`` or reply in threads ``blocker`` started under their name.

    Anonymous posts are not affected in what the blocker sees: any difference would tell the
    blocker who wrote them (docs/forums.md, "Blocks and anonymous posts"). Blocking oneself
    is refused.
    """
    if blocked.pk == blocker.pk:
        raise ValidationError(_("You cannot block yourself."), code="self_block")
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)


def block_author(*, blocker: User, post: Post) -> None:
    """Block the member who wrote ``post``. An anonymous post's author cannot be blocked: the
    block would show the blocker which named posts are theirs (ValidationError "anonymous")."""
    if post.is_anonymous:
        raise ValidationError(
            _(
                "Anonymous posts cannot be blocked without revealing who wrote them. You can "
                "report the post or mute the thread instead."
            ),
            code="anonymous",
        )
    if post.author is None:
        raise ValidationError(_("This member has left."), code="no_author")
    block_member(blocker=blocker, blocked=post.author)


def unblock_member(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def mute_thread(*, thread: Thread, user: User) -> None:
    Mute.objects.get_or_create(user=user, thread=thread, warning="")
    ThreadFollow.objects.filter(user=user, thread=thread).delete()


def unmute_thread(*, thread: Thread, user: User) -> None:
    Mute.objects.filter(user=user, thread=thread).delete()


def mute_warning(*, user: User, warning: str) -> None:
    if warning not in ContentWarning.values:
        raise ValidationError(_("Choose a content warning from the list."), code="warning")
    Mute.objects.get_or_create(user=user, thread=None, warning=warning)


def unmute_warning(*, user: User, warning: str) -> None:
    Mute.objects.filter(user=user, thread=None, warning=warning).delete()


@transaction.atomic
def report_post(
    *,
    post: Post,
    reporter: User,
    reason: str,
    detail: str = "",
    request: HttpRequest | None = None,
) -> Report:
    """File a report for the moderators' queue. The reporter's note is screened too."""
    if not permissions.can_report(reporter, post):
        raise PermissionDenied(_("You cannot report this post."))
    if reason not in ReportReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    detail = (detail or "").strip()
    if len(detail) > 1000:
        raise ValidationError({"detail": [_("Keep the note under 1000 characters.")]})
    _rate_limit("forums.report", reporter, REPORT_RATE)
    # The reporter's own words at risk ("this makes me want to die") are screened as theirs; a
    # quote of the post or "he told me to kill myself" is the reported person's, read by the
    # safety queue (safety.services.reporter_at_risk).
    from peerhaven.safety.services import reporter_at_risk

    outcome = (
        screen_user_text(text=detail, kind="forums.report", author=reporter)
        if detail and reporter_at_risk(detail)
        else None
    )
    report = Report.objects.create(post=post, reporter=reporter, reason=reason, detail=detail)
    if outcome is not None:
        report_outcome(outcome=outcome, author=reporter, kind="forums.report", obj=report)
    _file_in_unified_queue(report=report, post=post, reporter=reporter)
    return report


def _file_in_unified_queue(*, report: Report, post: Post, reporter: User) -> None:
    """Reports from every capability land in the one safety queue at /moderation/ too. The
    queue item links to this report's page in the forum moderation area, where a moderator
    acts on it; acting there closes the queue item (see _close_reports)."""
    from peerhaven.safety.services import file_report

    label = ReportReason(report.reason).label
    try:
        with transaction.atomic():
            alert = file_report(
                reporter=reporter,
                obj=post,
                reason=f"{label}: {report.detail}" if report.detail else str(label),
                url=reverse("forums:report_detail", args=[report.pk]),
                author=post.author,
                min_level="ideation" if report.reason == ReportReason.RISK else "concern",
                screen_reporter=False,  # report_post screened the reporter's note already
            )
    except ValidationError:
        # Over the safety queue's own rate limit: the forum report is stored all the same.
        logger.info("forum report %s not mirrored to the safety queue", report.pk)
        return
    report.alert = alert
    report.save(update_fields=["alert"])


def _close_reports(
    reports: Any, *, actor: User, action: str, reason: str, request: HttpRequest | None
) -> None:
    """Resolve open ``reports`` and their items in the unified safety queue, with the reason.

    A queue item another moderator has taken is left to them (their view shows the report
    as resolved when they open it).
    """
    from peerhaven.safety.models import AlertOutcome, AlertStatus, RiskAlert
    from peerhaven.safety.services import AlertUnavailableError, claim_alert, resolve_alert

    reports = reports.filter(resolved_at__isnull=True)
    alert_ids = [a for a in reports.values_list("alert_id", flat=True) if a is not None]
    reports.update(resolved_at=timezone.now(), resolved_by=actor, resolution=f"{action}: {reason}")
    outcome = AlertOutcome.NO_ACTION if action == ModAction.DISMISS else AlertOutcome.CONTENT_ACTION
    note = f"{ModAction(action).label}: {reason}"
    for alert in RiskAlert.objects.filter(pk__in=alert_ids).exclude(status=AlertStatus.RESOLVED):
        try:
            with transaction.atomic():
                if alert.status == AlertStatus.OPEN:
                    alert = claim_alert(alert_id=alert.pk, moderator=actor, request=request)
                elif alert.assigned_to_id != actor.pk:
                    continue
                resolve_alert(
                    alert=alert, moderator=actor, outcome=outcome, note=note, request=request
                )
        except (AlertUnavailableError, PermissionDenied, ValidationError):
            logger.info("queue item %s left open: another moderator has it", alert.pk)


# --- moderation -------------------------------------------------------------------------------


def _moderate(
    *,
    actor: User,
    action: str,
    thread: Thread,
    post: Post | None,
    reason: str,
    request: HttpRequest | None,
    tell_author: bool = True,
    report: Report | None = None,
) -> ModerationAction:
    """Record a moderator's action (shown to the author with the reason), audit it, close the
    reports it answers (and their unified queue items) and tell the author.

    Acting on a post answers its reports; acting on a thread answers the reports on all of its
    posts (a changed title: those on the opening post; pinning answers none). ``report``, the
    report the moderator started from, is always answered.
    """
    record = ModerationAction.objects.create(
        actor=actor, action=action, thread=thread, post=post, reason=reason
    )
    subject = post.author if post is not None else thread.author
    audit.record(
        actor=actor,
        action=f"forums.{'post' if post is not None else 'thread'}.{action}",
        subject=subject,
        obj=post if post is not None else thread,
        detail={"thread": thread.pk, "moderation_action": record.pk},
        request=request,
    )
    answered = Q(pk=report.pk) if report is not None else Q(pk__in=[])
    if post is not None:
        answered |= Q(post=post)
    elif action == ModAction.RETITLE:
        answered |= Q(post__thread=thread, post__position=1)
    elif action not in (ModAction.PIN, ModAction.UNPIN):
        answered |= Q(post__thread=thread)
    _close_reports(
        Report.objects.filter(answered), actor=actor, action=action, reason=reason, request=request
    )
    if tell_author and subject is not None and subject.pk != actor.pk:
        label = ModAction(action).label
        url = reverse("forums:thread", args=[thread.pk])
        if post is not None:
            url = post_url(post)
        notify(
            recipient=subject,
            kind="moderation",
            title=_("A moderator acted on your post: %(action)s") % {"action": label},
            body=_("Reason: %(reason)s") % {"reason": reason},
            url=url,
        )
    return record


@transaction.atomic
def hide_post(
    *,
    post: Post,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> ModerationAction:
    """Hide a post behind a notice with the reason; the author still sees it and why."""
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    post.is_hidden = True
    post.hidden_reason = reason
    post.save(update_fields=["is_hidden", "hidden_reason"])
    return _moderate(
        actor=actor, action=ModAction.HIDE, thread=post.thread, post=post, reason=reason,
        request=request, report=report,
    )  # fmt: skip


@transaction.atomic
def unhide_post(
    *,
    post: Post,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> ModerationAction:
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    post.is_hidden = False
    post.hidden_reason = ""
    post.save(update_fields=["is_hidden", "hidden_reason"])
    return _moderate(
        actor=actor, action=ModAction.UNHIDE, thread=post.thread, post=post, reason=reason,
        request=request, report=report,
    )  # fmt: skip


@transaction.atomic
def release_post(
    *,
    post: Post,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> ModerationAction:
    """Publish a post that was held for safety review, with its counts and notifications."""
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    if not post.is_held:
        raise ValidationError(_("This post is not held."), code="not_held")
    _publish_held(post)
    return _moderate(
        actor=actor, action=ModAction.RELEASE, thread=post.thread, post=post, reason=reason,
        request=request, report=report,
    )  # fmt: skip


def _publish_held(post: Post) -> None:
    """Make a held post public: counts, activity and the notifications it held back.

    Only a first publication is news. A post that was public before and was held again by an
    edit (of its text, or of its thread's title) gets its counts back, but notifies nobody
    again and does not move the thread's or the board's last activity.
    """
    now = timezone.now()
    first_time = post.published_at is None
    post.is_held = False
    fields = ["is_held"]
    if first_time:
        post.published_at = now
        fields.append("published_at")
    post.save(update_fields=fields)
    thread = post.thread
    if post.position == 1:
        Thread.objects.filter(pk=thread.pk).update(is_held=False)
        thread.is_held = False
        board: dict[str, Any] = {
            "thread_count": F("thread_count") + 1,
            "post_count": F("post_count") + 1,
        }
        if first_time:
            board["last_activity_at"] = now
        Board.objects.filter(pk=thread.board_id).update(**board)
        if first_time:
            _notify_new_post(post, first_reply=False)
    elif first_time:
        first = _publish_counts(post, now=now)
        _notify_new_post(post, first_reply=first)
    else:
        Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1)
        Board.objects.filter(pk=thread.board_id).update(post_count=F("post_count") + 1)


@transaction.atomic
def release_held_from_safety(object_id: str, publish: bool, reason: str = "") -> None:
    """Called by the safety queue when a moderator resolves the alert on a held post (the
    moderator's decision is audited there).

    Kept hidden, the post stays held (nobody else ever sees it) and is marked reviewed, with
    the moderator's reason for its author, so the author no longer reads "waiting for a
    moderator's review"; a held opening post takes its thread out of view the same way.
    """
    post = Post.objects.select_related("thread").filter(pk=object_id, is_held=True).first()
    if post is None:
        return
    if publish:
        _publish_held(post)
        return
    why = (reason or "").strip()[:MAX_REASON] or _("A moderator reviewed it and kept it hidden.")
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason=why)
    if post.position == 1 and post.thread.is_held and post.thread.deleted_at is None:
        Thread.objects.filter(pk=post.thread_id).update(
            deleted_at=timezone.now(), deleted_reason=why
        )


@transaction.atomic
def set_locked(
    *,
    thread: Thread,
    actor: User,
    locked: bool,
    reason: str,
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> ModerationAction:
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    thread.is_locked = locked
    thread.save(update_fields=["is_locked"])
    action = ModAction.LOCK if locked else ModAction.UNLOCK
    return _moderate(
        actor=actor, action=action, thread=thread, post=None, reason=reason, request=request,
        report=report,
    )  # fmt: skip


@transaction.atomic
def set_pinned(
    *,
    thread: Thread,
    actor: User,
    pinned: bool,
    reason: str,
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> ModerationAction:
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    thread.is_pinned = pinned
    thread.save(update_fields=["is_pinned"])
    action = ModAction.PIN if pinned else ModAction.UNPIN
    return _moderate(
        actor=actor, action=action, thread=thread, post=None, reason=reason, request=request,
        report=report, tell_author=False,
    )  # fmt: skip


@transaction.atomic
def move_thread(
    *,
    thread: Thread,
    actor: User,
    board: Board,
    reason: str,
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> ModerationAction:
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    old = thread.board
    if board.pk == old.pk:
        raise ValidationError(_("The thread is already in that board."), code="same_board")
    posts = thread.reply_count + 1
    Board.objects.filter(pk=old.pk).update(
        thread_count=F("thread_count") - 1, post_count=F("post_count") - posts
    )
    Board.objects.filter(pk=board.pk).update(
        thread_count=F("thread_count") + 1, post_count=F("post_count") + posts
    )
    thread.board = board
    thread.save(update_fields=["board"])
    return _moderate(
        actor=actor, action=ModAction.MOVE, thread=thread, post=None, reason=reason,
        request=request, report=report,
    )  # fmt: skip


@transaction.atomic
def delete_thread(
    *,
    thread: Thread,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
    report: Report | None = None,
) -> ModerationAction:
    """Remove a thread from view. Its author can still open it and read the reason."""
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    if thread.deleted_at is None:
        thread.deleted_at = timezone.now()
        thread.deleted_reason = reason
        thread.save(update_fields=["deleted_at", "deleted_reason"])
        Board.objects.filter(pk=thread.board_id).update(
            thread_count=F("thread_count") - 1, post_count=F("post_count") - thread.reply_count - 1
        )
    return _moderate(
        actor=actor, action=ModAction.DELETE, thread=thread, post=None, reason=reason,
        request=request, report=report,
    )  # fmt: skip


@transaction.atomic
def dismiss_report(
    *, report: Report, actor: User, reason: str, request: HttpRequest | None = None
) -> None:
    """Close a report without acting on the post (the reporter's note stays in the log)."""
    permissions.check_moderate(actor)
    reason = _validate_reason(reason)
    _close_reports(
        Report.objects.filter(pk=report.pk),
        actor=actor,
        action=ModAction.DISMISS,
        reason=reason,
        request=request,
    )
    report.refresh_from_db(fields=["resolved_at", "resolved_by", "resolution"])
    audit.record(
        actor=actor,
        action="forums.report.dismiss",
        subject=report.post.author,
        obj=report,
        detail={"post": report.post_id},
        request=request,
    )


# --- personal data ----------------------------------------------------------------------------


def export_forums(user: User) -> dict[str, Any]:
    posts = Post.objects.filter(author=user).select_related("thread").order_by("created_at")
    return {
        "posts": [
            {
                "thread": p.thread.title,
                "thread_id": p.thread_id,
                "position": p.position,
                "body": p.body,
                "content_warning": p.content_warning,
                "anonymous": p.is_anonymous,
                "created_at": p.created_at.isoformat(),
                "edited_at": p.edited_at.isoformat() if p.edited_at else None,
                "hidden_reason": p.hidden_reason,
            }
            for p in posts
        ],
        "reactions": [
            {
                "post_id": r.post_id,
                "kind": r.kind,
                "anonymous": r.is_anonymous,
                "created_at": r.created_at.isoformat(),
            }
            for r in Reaction.objects.filter(user=user)
        ],
        # Every kind once given to a post, also those taken back since (react() keeps them).
        "reactions_given": [
            {
                "post_id": r.post_id,
                "kind": r.kind,
                "anonymous": r.is_anonymous,
                "first_given_at": r.created_at.isoformat(),
            }
            for r in ReactionGiven.objects.filter(user=user).order_by("created_at", "id")
        ],
        "following": list(
            ThreadFollow.objects.filter(user=user).values_list("thread_id", flat=True)
        ),
        "blocked": [
            b.blocked.display_name
            for b in Block.objects.filter(blocker=user).select_related("blocked")
        ],
        "muted_threads": list(
            Mute.objects.filter(user=user, thread__isnull=False).values_list("thread_id", flat=True)
        ),
        "muted_warnings": list(
            Mute.objects.filter(user=user, thread__isnull=True).values_list("warning", flat=True)
        ),
        "reports": [
            {"post_id": r.post_id, "reason": r.reason, "detail": r.detail}
            for r in Report.objects.filter(reporter=user)
        ],
        "earlier_titles": [
            {"thread_id": r.thread_id, "title": r.title, "changed_at": r.created_at.isoformat()}
            for r in ThreadRevision.objects.filter(thread__author=user).order_by("created_at")
        ],
    }


def erase_forums(user: User, mode: Any) -> None:
    """ANONYMISE: posts stay as "[deleted member]" (author set NULL by the cascade).
    REMOVE: the person's posts go; their threads go unless others replied, in which case
    the opening post's text is removed and the replies stay."""
    from peerhaven.accounts.privacy import EraseMode

    Reaction.objects.filter(user=user).delete()
    ReactionGiven.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).update(detail="")
    PostRevision.objects.filter(editor=user).update(editor=None)
    ThreadRevision.objects.filter(editor=user).update(editor=None)
    if mode != EraseMode.REMOVE:
        return
    PostRevision.objects.filter(post__author=user).delete()
    ThreadRevision.objects.filter(thread__author=user).delete()
    removed = _("[removed by its author]")
    for thread in Thread.objects.filter(author=user):
        if Post.objects.filter(thread=thread).exclude(author=user).exists():
            Post.objects.filter(thread=thread, position=1).update(
                body=removed, body_html=f"<p>{removed}</p>", author=None
            )
            thread.title = removed
            thread.author = None
            thread.save(update_fields=["title", "author"])
        else:
            thread.delete()
    affected = set(Post.objects.filter(author=user).values_list("thread_id", flat=True).distinct())
    Post.objects.filter(author=user).delete()
    for thread in Thread.objects.filter(pk__in=affected):
        thread.reply_count = max(Post.objects.filter(thread=thread, is_held=False).count() - 1, 0)
        thread.save(update_fields=["reply_count"])
