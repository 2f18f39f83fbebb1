"""Erasure: other members' notifications that name the erased person.

Notifications are stored as rendered text ("New message from Amber Willow", "Amber Willow
replied."), so the ones other people received about a person still name them after that person
erased their account. ``erase_notifications``, the app's eraser in ``accounts.privacy``, rewrites
them: in titles and bodies the display name (a whole word, case-sensitive as stored) and every
e-mail address of the account (its sign-in name; any case) become "a former member"; a link
that names the person is dropped. The person's own notifications go with the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode
from peerhaven.notifications.models import Notification

# What other members read instead of the erased person's name.
FORMER_MEMBER = gettext_noop("a former member")

TITLE_MAX = 200
# Where a notification's words are (the in-app ones and the e-mail's own, when it has them).
TEXT_FIELDS = ("title", "body", "email_title", "email_body")
# Candidate rows read (and written back) per round.
PAGE = 500

# Sentence ends after which the replacement starts with a capital ("A former member replied.").
_SENTENCE_END = re.compile(r"(?:^|[.!?]|\n)[\s\"'“‘(]*$")


def _word(literal: str) -> str:
    """``literal`` as a whole word: no letter, digit or underscore right before or after it, so
    "Ann" matches in "Ann replied" and "Ann's thread" but not in "Annual" or "Joanne"."""
    return rf"(?<!\w){re.escape(literal)}(?!\w)"


@dataclass(frozen=True)
class Scrubber:
    """Finds and replaces one person's display name and e-mail addresses in text."""

    name: str
    addresses: tuple[str, ...]
    # The display name, and any other member's longer name that contains it as a whole word:
    # those are matched first and left alone ("Sam" is erased, "Sam Rivers" stays).
    names: re.Pattern[str] | None
    emails: re.Pattern[str] | None

    @classmethod
    def for_person(
        cls, *, name: str, emails: Iterable[str], other_names: Iterable[str] = ()
    ) -> Scrubber:
        name = name.strip()
        names = None
        if name:
            own = re.compile(_word(name))
            longer = {n for n in other_names if n != name and own.search(n)}
            alternatives = sorted({name, *longer}, key=len, reverse=True)
            names = re.compile("|".join(_word(a) for a in alternatives))
        addresses = tuple(
            sorted({e.strip().lower() for e in emails if e.strip()}, key=len, reverse=True)
        )
        email_re = None
        if addresses:
            # Not inside a longer address: "xamber@example.org" is someone else's.
            email_re = re.compile(
                "|".join(rf"(?<![\w.+\-]){re.escape(a)}(?![\w\-]|\.\w)" for a in addresses),
                re.IGNORECASE,
            )
        return cls(name=name, addresses=addresses, names=names, emails=email_re)

    @property
    def empty(self) -> bool:
        return self.names is None and self.emails is None

    def encoded_names(self) -> set[str]:
        """The name as it appears percent-encoded in a link (when that differs)."""
        return {quote(self.name), quote_plus(self.name)} - {self.name} if self.name else set()

    def encoded_addresses(self) -> set[str]:
        return {quote(a, safe="").lower() for a in self.addresses}

    def text(self, value: str, neutral: str) -> str:
        """``value`` with the person's e-mail addresses and name replaced by ``neutral``
        (capitalised where a sentence starts)."""

        def replace(match: re.Match[str]) -> str:
            if match.re is self.names and match.group(0) != self.name:
                return match.group(0)  # another member's longer name
            if _SENTENCE_END.search(match.string[: match.start()]):
                return neutral[:1].upper() + neutral[1:]
            return neutral

        # Addresses first: a name can be part of one ("Amber@example.org").
        if self.emails is not None:
            value = self.emails.sub(replace, value)
        if self.names is not None:
            value = self.names.sub(replace, value)
        return value

    def names_person(self, url: str) -> bool:
        """Whether a link names the person (raw or percent-encoded)."""
        if self.names is not None and re.search(_word(self.name), url):
            return True
        if any(n in url for n in self.encoded_names()):
            return True
        lowered = url.lower()
        return any(a in lowered for a in (*self.addresses, *self.encoded_addresses()))


def _scrubber_for(user: User) -> Scrubber:
    emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    name = (user.display_name or "").strip()
    other_names: list[str] = []
    if name:
        # Other display names containing this one (few rows; case-insensitive on SQLite).
        other_names = list(
            User.objects.filter(display_name__contains=name)
            .exclude(pk=user.pk)
            .values_list("display_name", flat=True)
        )
    return Scrubber.for_person(name=name, emails=emails, other_names=other_names)


def _candidates(scrubber: Scrubber) -> Q:
    """Every notification the scrubber might change, and maybe a few more (a superset)."""
    q = Q(pk__in=[])
    if scrubber.name:
        for field in TEXT_FIELDS:
            q |= Q(**{f"{field}__contains": scrubber.name})
        q |= Q(url__contains=scrubber.name)
    for needle in scrubber.encoded_names() | scrubber.encoded_addresses():
        q |= Q(url__icontains=needle)
    for address in scrubber.addresses:
        for field in (*TEXT_FIELDS, "url"):
            q |= Q(**{f"{field}__icontains": address})
    return q


def erase_notifications(user: User, mode: EraseMode) -> None:
    """The notifications app's eraser: the same in either mode (others' notifications are not
    the person's content to keep or remove, only their name and addresses go)."""
    rewrite_notifications_naming(user)


def rewrite_notifications_naming(user: User) -> int:
    """Rewrite other members' notifications that name ``user``; return how many changed.

    Runs inside ``erase_member``'s transaction, before the account row is deleted. Reads the
    candidate rows a page at a time in primary-key order (a scan of the notifications table per
    page: erasure is rare) and writes each page's changed rows back in one batched update.
    Rows are never read while being written (SQLite gives no isolation between a cursor and
    writes on the same connection).
    """
    scrubber = _scrubber_for(user)
    if scrubber.empty:
        return 0
    candidates = (
        Notification.objects.exclude(recipient_id=user.pk)
        .filter(_candidates(scrubber))
        .order_by("pk")
        .values_list("pk", *TEXT_FIELDS, "url", "recipient__language")
    )
    neutral_by_language: dict[str, str] = {}
    count = 0
    last = 0
    while True:
        page = list(candidates.filter(pk__gt=last)[:PAGE])
        changed: list[Notification] = []
        for pk, *texts, url, language in page:
            lang = language or settings.LANGUAGE_CODE
            if lang not in neutral_by_language:
                with translation.override(lang):
                    neutral_by_language[lang] = _(FORMER_MEMBER)
            neutral = neutral_by_language[lang]
            new = {
                field: scrubber.text(text, neutral)[: TITLE_MAX if "title" in field else None]
                for field, text in zip(TEXT_FIELDS, texts, strict=True)
            }
            new["url"] = "" if url and scrubber.names_person(url) else url
            if list(new.values()) != [*texts, url]:
                changed.append(Notification(pk=pk, **new))
        if changed:
            Notification.objects.bulk_update(changed, [*TEXT_FIELDS, "url"])
            count += len(changed)
        if len(page) < PAGE:
            return count
        last = page[-1][0]
