"""Who may do what in the forums. ``can_*`` are pure predicates; ``check_*`` raise.

The web views and the API call the same functions. Reading is "fetch and authorize in one
call" (``queries.get_*``), which raises Http404 for both missing and not-yours.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts.models import Role
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.forums.models import Board, Post, Thread, Visibility


def edit_window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "FORUMS_EDIT_WINDOW_MINUTES", 60)))


def is_member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_moderator(user: Any) -> bool:
    """Moderation needs the moderator (or admin) role and two-factor authentication."""
    return can_use_staff_role(user, Role.MODERATOR) or can_use_staff_role(user, Role.ADMIN)


def can_see_board(user: Any, board: Board) -> bool:
    if not is_member(user):
        return False
    if board.visibility == Visibility.ROLE:
        return user.has_role(board.required_role) or is_moderator(user)
    return True


def can_start_thread(user: Any, board: Board) -> bool:
    if not can_see_board(user, board):
        return False
    return not board.is_announcements or is_moderator(user)


def can_see_thread(user: Any, thread: Thread) -> bool:
    if not can_see_board(user, thread.board):
        return False
    if is_moderator(user):
        return True
    if thread.deleted_at is not None or thread.is_held:
        return thread.author_id is not None and thread.author_id == user.pk
    return True


def can_reply(user: Any, thread: Thread, *, blocked_by_author: bool = False) -> bool:
    """``blocked_by_author``: the thread's named author blocked ``user`` (see
    ``queries.is_blocked_by_author``), who then cannot reply there."""
    if not can_see_thread(user, thread) or thread.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    return (
        not thread.is_locked
        and not thread.board.is_announcements
        and not thread.is_held
        and not blocked_by_author
    )


def can_see_post_body(user: Any, post: Post) -> bool:
    """Held and hidden posts are readable by their author and moderators only."""
    if not (post.is_held or post.is_hidden):
        return True
    return is_moderator(user) or (post.author_id is not None and post.author_id == user.pk)


def can_edit_post(user: Any, post: Post, *, now: Any = None) -> bool:
    if not is_member(user) or post.author_id != user.pk:
        return False
    if post.thread.is_locked or post.thread.deleted_at is not None:
        return False
    return (now or timezone.now()) - post.created_at <= edit_window()


def can_edit_title(user: Any, thread: Thread, *, now: Any = None) -> bool:
    """Moderators at any time; the author within the edit window of the opening post."""
    if not is_member(user) or thread.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    if thread.author_id is None or thread.author_id != user.pk or thread.is_locked:
        return False
    return (now or timezone.now()) - thread.created_at <= edit_window()


def can_react(user: Any, post: Post) -> bool:
    return (
        can_see_thread(user, post.thread)
        and not post.is_held
        and not post.is_hidden
        and post.author_id != user.pk
    )


def can_report(user: Any, post: Post) -> bool:
    return can_see_thread(user, post.thread) and post.author_id != user.pk


def can_see_author(user: Any, post: Post) -> bool:
    """Anonymous posts show their author only to the author and to moderators."""
    if not post.is_anonymous:
        return True
    return is_moderator(user) or (post.author_id is not None and post.author_id == user.pk)


def check_start_thread(user: Any, board: Board) -> None:
    if not can_start_thread(user, board):
        raise PermissionDenied(_("Only moderators post in this board."))


def check_reply(user: Any, thread: Thread, *, blocked_by_author: bool = False) -> None:
    if not can_reply(user, thread, blocked_by_author=blocked_by_author):
        if thread.is_locked:
            raise ValidationError(
                _("This thread is locked, so it cannot take new replies."), code="locked"
            )
        raise PermissionDenied(_("You cannot reply in this thread."))


def check_edit_post(user: Any, post: Post) -> None:
    if post.author_id != getattr(user, "pk", None):
        raise PermissionDenied(_("You can only edit your own posts."))
    if not can_edit_post(user, post):
        raise ValidationError(
            _("Posts can be edited for %(minutes)d minutes after writing them.")
            % {"minutes": int(edit_window().total_seconds() // 60)},
            code="edit_window",
        )


def check_edit_title(user: Any, thread: Thread) -> None:
    if not is_moderator(user) and thread.author_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only the thread's author or a moderator can change its title."))
    if thread.deleted_at is not None:
        raise PermissionDenied(_("A removed thread cannot be changed."))
    if not can_edit_title(user, thread):
        if thread.is_locked:
            raise ValidationError(
                _("This thread is locked, so its title cannot be changed."), code="locked"
            )
        raise ValidationError(
            _("Titles can be changed for %(minutes)d minutes after starting the thread.")
            % {"minutes": int(edit_window().total_seconds() // 60)},
            code="edit_window",
        )


def check_moderate(user: Any) -> None:
    if not is_moderator(user):
        raise PermissionDenied
