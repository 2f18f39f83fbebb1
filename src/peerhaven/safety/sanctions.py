"""Mutes and bans in force: one lookup, one refusal, one message.

A *mute* stops a member writing where others read (forum threads, replies and edits, group
room messages); they can still read, react, and — as a mentee — message their own mentor. A
*ban* stops them using the community at all (``safety.middleware.BanMiddleware``) except crisis
help, their safety plan, their data, the appeal page and signing out.

Every app that stores text calls ``check_post`` (through ``safety.permissions``) before
writing; it raises ``PostingRestrictedError``, which is a ``PermissionDenied`` for Django views and
consumers *and* an ``ApiError`` (403, code ``muted``/``banned``) for the API, and carries the
reason and the end time in its message.

The check made on every page (and socket re-check) is one indexed query. With a shared cache
(Redis) an operator can set ``SAFETY_SANCTION_CACHE_SECONDS`` (default 0: off) to answer it
from the cache instead; ``forget_sanctions`` drops the entry when a moderator acts or an appeal
reverses an action, so the change is seen on the next request. (Off by default because the
local-memory cache of a single process culls entries when it fills — e.g. with rendered post
fragments — which would make the number of queries per page vary.) Writes always read the
database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts.local_time import local_text, member_zone
from peerhaven.api.errors import ApiError

MUTE = "mute"
BAN = "ban"
APPEAL_URL = "/safety/actions/"


@dataclass(frozen=True)
class Sanction:
    """A mute or ban of one member (a plain value, safe to cache)."""

    action_id: int
    kind: str
    reason: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None

    def is_active(self, now: datetime.datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)

    @property
    def is_ban(self) -> bool:
        return self.kind == BAN


def cache_seconds() -> int:
    return int(getattr(settings, "SAFETY_SANCTION_CACHE_SECONDS", 0))


def _cache_key(user_id: Any) -> str:
    return f"safety:sanctions:{user_id}"


def _load(user_id: int, now: datetime.datetime) -> tuple[Sanction, ...]:
    from peerhaven.safety.models import ModerationAction

    rows = (
        ModerationAction.objects.filter(
            member_id=user_id, kind__in=(MUTE, BAN), revoked_at__isnull=True
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .values_list("pk", "kind", "reason", "starts_at", "ends_at")
    )
    return tuple(Sanction(*row) for row in rows)


def banned_now(now: datetime.datetime | None = None, *, kinds: tuple[str, ...] = (BAN,)) -> Any:
    """The ids of members under a ban in force (or any of ``kinds``, e.g. a mute too), as a
    subquery (``.values("member_id")``): for lists of people (on-duty moderators, mentors to
    suggest) rather than one person."""
    from peerhaven.safety.models import ModerationAction

    now = now or timezone.now()
    return (
        ModerationAction.objects.filter(kind__in=kinds, revoked_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .values("member_id")
    )


def sanctions_of(
    user: Any, *, now: datetime.datetime | None = None, cached: bool = False
) -> tuple[Sanction, ...]:
    """Mutes and bans of ``user`` that have not ended by ``now``.

    ``cached`` (for checks on every page and socket event) may answer from the cache; writes
    read the database, so a refusal is never based on a stale entry.
    """
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return ()
    seconds = cache_seconds()
    if not cached or now is not None or seconds <= 0:
        return _load(user.pk, now or timezone.now())
    key = _cache_key(user.pk)
    entry = cache.get(key)
    if entry is None:
        entry = _load(user.pk, timezone.now())
        cache.set(key, entry, seconds)
    return tuple(entry)


def forget_sanctions(user_id: Any) -> None:
    """Drop the cached sanctions of a member now and again after the transaction commits, then
    have their open sockets re-check (``sockets.standing_changed``: a ban closes them at once).

    Dropping it twice means a request that re-reads the old rows between the two moments cannot
    keep a stale entry alive. Every change to a member's mutes and bans calls this.
    """
    from django.db import transaction

    from peerhaven.safety.sockets import standing_changed

    key = _cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    standing_changed(user_id)


def pick_longest(found: list[Sanction]) -> Sanction | None:
    """The one that restricts longest (no end beats any end)."""
    if not found:
        return None
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return max(found, key=lambda s: s.ends_at or far)


def active_sanction(
    user: Any,
    *,
    now: datetime.datetime | None = None,
    include_mutes: bool = True,
    cached: bool = False,
) -> Sanction | None:
    """The sanction in force: a ban first, else the longest mute (None when free to post)."""
    at = now or timezone.now()
    current = [s for s in sanctions_of(user, now=now, cached=cached) if s.is_active(at)]
    bans = [s for s in current if s.is_ban]
    if bans:
        return pick_longest(bans)
    if not include_mutes:
        return None
    return pick_longest([s for s in current if s.kind == MUTE])


def active_ban(
    user: Any, *, now: datetime.datetime | None = None, cached: bool = False
) -> Sanction | None:
    return active_sanction(user, now=now, include_mutes=False, cached=cached)


def until_text(sanction: Sanction, user: Any) -> str:
    """ "until 3 December 2026, 14:00 (Europe/London)" in the member's own time zone."""
    if sanction.ends_at is None:
        return _("until a moderator lifts it")
    return _("until %(when)s (%(zone)s)") % {
        "when": local_text(sanction.ends_at, user, "j F Y, H:i"),
        "zone": member_zone(user).key,
    }


def _reason_sentence(reason: str) -> str:
    """The moderator's reason as the end of a sentence: one full stop, never two ("…support
    you.." when the reason already ends with one)."""
    text = reason.strip()
    if not text or text[-1] in ".!?…":
        return text
    return text + "."


def restriction_text(sanction: Sanction, user: Any) -> str:
    """What, why and until when, without where to appeal (pages link to the appeal page)."""
    values = {"until": until_text(sanction, user), "reason": _reason_sentence(sanction.reason)}
    if sanction.is_ban:
        text = _(
            "Your account is suspended %(until)s. The reason a moderator gave: %(reason)s "
            "Crisis help, your safety plan and your data stay open to you."
        )
    else:
        # What a mute really stops (see this module's docstring): writing where others read.
        # A muted mentee may still write to their own mentor; a muted mentor may not write.
        text = _(
            "A moderator has paused your posting in the forums and group rooms %(until)s. "
            "The reason they gave: %(reason)s You can still read, react to posts and, if you "
            "have a mentor, write to them."
        )
    return text % values


def refusal_message(sanction: Sanction, user: Any) -> str:
    """What the member reads when a write is refused: what, why, until when, how to appeal.

    Plain text (the API, sockets, a refused form): the appeal page is named by its path. A page
    that can link shows ``restriction_text`` and a link instead (``safety/_crisis_panel.html``).
    """
    appeal = _("If you think this is wrong, you can appeal at %(url)s.") % {"url": APPEAL_URL}
    return f"{restriction_text(sanction, user)} {appeal}"


class PostingRestrictedError(ApiError, PermissionDenied):
    """A mute or ban refused a write. ``str(exc)`` is the message for the member.

    An ``ApiError`` first (the API answers 403 with code ``muted``/``banned`` and this message
    in its one error shape), a ``PermissionDenied`` for everything else.
    """

    def __init__(self, sanction: Sanction, user: Any) -> None:
        code = "banned" if sanction.is_ban else "muted"
        super().__init__(403, code, refusal_message(sanction, user))
        self.sanction = sanction


def check_post(
    user: Any, *, allow_muted: bool = False, now: datetime.datetime | None = None
) -> None:
    """Raise ``PostingRestrictedError`` if a mute (unless ``allow_muted``) or ban is in force."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    sanction = active_sanction(user, now=now, include_mutes=not allow_muted)
    if sanction is not None:
        raise PostingRestrictedError(sanction, user)
