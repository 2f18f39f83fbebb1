"""Re-checking a WebSocket's right to stay open, for consumers that were authorised on connect.

A socket outlives the permission that opened it: a moderator loses the role or their
two-factor authenticator, a member is banned or signs out, a mentorship ends. Consumers call
``Recheck.due()`` on every incoming frame and every outgoing delivery, and when it is due
(at most every ``SAFETY_SOCKET_RECHECK_SECONDS``, default 10; 0 checks every time) they
re-read the person with ``current_user`` and their own rules, and close with a reason.

Every such socket also joins its person's channel-layer group (``person_group``) and re-checks
at once, past that throttle, on a ``person.standing`` event: the services that change a
person's standing (a mute, ban or its revocation, a role or authenticator removed, a password
changed, signing out, deactivation, erasure, leaving or removal from a group, a mentorship
ended) call ``standing_changed``, which sends it after their transaction commits. The periodic
re-check stays as the fallback for an event that never arrives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from peerhaven.safety.sanctions import active_ban, refusal_message

logger = logging.getLogger(__name__)

# The channel-layer message type of a standing change; consumers handle it in
# ``person_standing``.
STANDING_EVENT = "person.standing"

# Close codes a browser sees (the JSON frame sent just before says why in words).
CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_GONE = 4410


@dataclass(frozen=True)
class Refusal:
    """Why a socket must close: a code for programs, a message for the person."""

    code: str
    message: str
    close_code: int

    def frame(self) -> dict[str, str]:
        return {"type": "closed", "code": self.code, "message": self.message}


def recheck_seconds() -> float:
    return float(getattr(settings, "SAFETY_SOCKET_RECHECK_SECONDS", 10))


def clock() -> float:
    """The re-check clock (monotonic). Tests replace this function, never ``time.monotonic``
    itself: the event loop runs on that one."""
    return time.monotonic()


class Recheck:
    """At most one re-check every ``interval`` seconds."""

    def __init__(self, interval: float | None = None) -> None:
        self.interval = recheck_seconds() if interval is None else interval
        self.checked_at = clock()

    def due(self) -> bool:
        return clock() - self.checked_at >= self.interval

    def done(self) -> None:
        self.checked_at = clock()


def _session_user_id(scope: dict[str, Any]) -> tuple[bool, Any, str]:
    """(has a session, the user id it now holds, its auth hash), read afresh from the store."""
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if session is None or not key:
        return False, None, ""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    data = store.load()
    return True, data.get(SESSION_KEY), str(data.get(HASH_SESSION_KEY, ""))


def current_user(scope: dict[str, Any]) -> Any:
    """The socket's person as the database sees them now, or None.

    None when they were never signed in, signed out (the session is gone or holds someone
    else), changed their password (the session's hash no longer matches, as Django's own
    ``get_user`` checks), or their account was deactivated. Sockets opened without a session
    (tests, or a scope built by hand) are judged on the account alone.
    """
    from peerhaven.accounts.models import User

    user = scope.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    has_session, session_user_id, session_hash = _session_user_id(scope)
    if has_session and str(session_user_id) != str(user.pk):
        return None
    fresh = (
        User.objects.filter(pk=user.pk, is_active=True).prefetch_related("role_assignments").first()
    )
    if fresh is None:
        return None
    if has_session and not constant_time_compare(session_hash, fresh.get_session_auth_hash()):
        return None
    # Carried over from the connect-time user (set by API token authentication only).
    if getattr(user, "authenticated_by_token", False):
        fresh.authenticated_by_token = True  # type: ignore[attr-defined]
    return fresh


def signed_out() -> Refusal:
    return Refusal(
        "signed_out", _("You are signed out. Sign in again to continue."), CLOSE_SIGNED_OUT
    )


def ban_refusal(user: Any) -> Refusal | None:
    """A ban in force closes every live connection, with its reason and end."""
    ban = active_ban(user, cached=True)  # moderators' actions drop the cached entry at once
    if ban is None:
        return None
    return Refusal("banned", refusal_message(ban, user), CLOSE_FORBIDDEN)


def onboarding_refusal(user: Any) -> Refusal | None:
    """A member who has not accepted the current community guidelines: the web sends them to
    /welcome/ and the API refuses them (``api.auth``), so a live connection closes too."""
    if not getattr(user, "needs_onboarding", False):
        return None
    return Refusal(
        "onboarding_required",
        _(
            "Please read and accept the updated community guidelines first "
            "(reload the page to see them), then come back."
        ),
        CLOSE_FORBIDDEN,
    )


def member_refusal(user: Any) -> Refusal | None:
    """Why a signed-in person may not use a live connection at all: a ban, or guidelines not
    yet accepted (None: they may). Each socket adds its own checks (membership, role)."""
    return ban_refusal(user) or onboarding_refusal(user)


def person_group(user_id: Any) -> str:
    """The channel-layer group every open socket of one person joins."""
    return f"person.{int(user_id)}"


def _send_standing(user_ids: Iterable[int]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for user_id in user_ids:
        try:
            async_to_sync(layer.group_send)(person_group(user_id), {"type": STANDING_EVENT})
        except Exception:
            # The periodic re-check still closes the socket; the change itself is stored.
            logger.exception("Could not tell the open sockets of user %s to re-check", user_id)


def standing_changed(*user_ids: Any) -> None:
    """Have every open socket of these people re-check their standing now.

    Call it from the service that changed what a socket re-checks (``None`` ids are skipped).
    The event goes out after the transaction commits (at once outside one), so the re-check
    reads the change; the channel layer carries it to every server process (Redis) or within
    this one (in memory). Never raises.
    """
    ids = sorted({int(user_id) for user_id in user_ids if user_id is not None})
    if ids:
        transaction.on_commit(partial(_send_standing, ids))
