"""``peerhaven changepassword EMAIL``: Django's command, and then what a new password set on the
web does too — the person's API tokens are revoked (audited as ``accounts.token.revoke_all``
with reason ``changepassword``) and their open sockets re-check at once.

An operator resets a password from the command line for an account that was taken over; a
token the attacker made with the stolen password would otherwise keep working. Sessions end
by themselves (Django's session auth hash changes with the password).
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from peerhaven.accounts.services import revoke_all_tokens
from peerhaven.safety.sockets import standing_changed


class Command(changepassword.Command):
    help = changepassword.Command.help + " Revokes the user's API tokens."

    def handle(self, *args: Any, **options: Any) -> str:
        done = super().handle(*args, **options)  # raises CommandError when nothing changed
        model = get_user_model()
        user = model._default_manager.using(options["database"]).get(
            **{model.USERNAME_FIELD: options["username"] or getpass.getuser()}
        )
        revoked = revoke_all_tokens(user=user, actor=None, reason="changepassword")
        standing_changed(user.pk)
        if revoked:
            self.stdout.write(f"Revoked {revoked} API token(s) of '{user}'.")
        return str(done)
