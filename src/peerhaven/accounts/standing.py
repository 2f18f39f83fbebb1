"""Account changes made by django-allauth's own flows reach the person's open sockets at once,
and a new password revokes the person's API tokens.

A new password and a removed authenticator are written by allauth, not by our services, and
allauth announces them only through its signals. The receivers here each call one service:

- ``safety.sockets.standing_changed``, so every open socket of the person re-checks now
  (sessions holding the old password hash, and a moderator's live queue without two-factor,
  close);
- ``accounts.services.revoke_all_tokens`` on a password change, set or reset: sessions end
  with the old password (Django's session auth hash) but a personal access token does not
  know the password, so a token an attacker made with a stolen password would outlive the
  reset. The member is told on the confirmation page that their tokens were revoked.

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
from django.contrib import messages
from django.utils.translation import ngettext

from peerhaven.accounts.services import revoke_all_tokens
from peerhaven.safety.sockets import standing_changed

PASSWORD_SIGNALS = {
    password_changed: "password_changed",
    password_set: "password_set",
    password_reset: "password_reset",
}


def _tell_sockets(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        standing_changed(getattr(user, "pk", None))


def _revoke_tokens(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None:
        return
    reason = PASSWORD_SIGNALS.get(kwargs.get("signal"), "password_changed")
    # The person proved they hold the account (old password or the e-mailed reset link).
    revoked = revoke_all_tokens(user=user, actor=user, reason=reason, request=request)
    if revoked and request is not None:
        messages.info(
            request,
            ngettext(
                "Your API token was revoked because your password changed. "
                "Create a new one under Settings → API tokens if you still need it.",
                "Your %(count)d API tokens were revoked because your password changed. "
                "Create new ones under Settings → API tokens if you still need them.",
                revoked,
            )
            % {"count": revoked},
            fail_silently=True,
        )


def connect() -> None:
    """Called once from ``AccountsConfig.ready``."""
    for signal in (password_changed, password_set, password_reset, authenticator_removed):
        signal.connect(_tell_sockets, dispatch_uid="peerhaven.accounts.standing")
    for signal in PASSWORD_SIGNALS:
        signal.connect(_revoke_tokens, dispatch_uid="peerhaven.accounts.standing.tokens")
