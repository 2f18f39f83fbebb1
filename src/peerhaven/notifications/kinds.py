"""The kinds of notification, with their defaults. Later capabilities add theirs here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    email_default: bool
    # Safety messages reach a person whatever their preferences say.
    always_in_app: bool = False


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("system", _("Account and security"), email_default=True, always_in_app=True),
        Kind("reply", _("Replies to my posts and threads"), email_default=False),
        Kind("mention", _("Mentions of my name"), email_default=False),
        Kind("reaction", _("Reactions to my posts"), email_default=False),
        Kind("group", _("Support group news and reminders"), email_default=True),
        Kind("mentoring", _("Mentoring messages and requests"), email_default=True),
        Kind("checkin", _("Check-in reminders"), email_default=True),
        Kind("safety", _("Messages from the safety team"), email_default=True, always_in_app=True),
        Kind("moderation", _("Moderation decisions about my posts"), email_default=True),
        Kind("clinical", _("Referrals and sharing"), email_default=True),
        # Not a notification of its own: a once-a-day e-mail gathering unread replies,
        # mentions and reactions. Its "by e-mail" box is the opt-in.
        Kind("digest", _("Daily e-mail digest of forum activity"), email_default=False),
    )
}
