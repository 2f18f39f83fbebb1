"""Account changes made by django-allauth's own flows reach the person's open sockets at once.

A new password and a removed authenticator are written by allauth, not by our services, and
allauth announces them only through its signals; each receiver here does one thing: call
``safety.sockets.standing_changed`` so every open socket of the person re-checks now (sessions
holding the old password hash, and a moderator's live queue without two-factor, close).

The password signals are sent once allauth has finished with the sessions (the browser that
made the change is moved to a new session key), so the re-check sees the final state, as the
periodic one would. Signing out is told from ``AccountAdapter.logout`` instead: Django's
``user_logged_out`` fires *before* the session is flushed, when a re-check would still find it
signed in.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_removed

from peerhaven.safety.sockets import standing_changed


def _tell_sockets(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        standing_changed(getattr(user, "pk", None))


def connect() -> None:
    """Called once from ``AccountsConfig.ready``."""
    for signal in (password_changed, password_set, password_reset, authenticator_removed):
        signal.connect(_tell_sockets, dispatch_uid="peerhaven.accounts.standing")
