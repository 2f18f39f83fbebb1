"""The one way to tell a person something: ``notify``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peerhaven.accounts.models import User
from peerhaven.accounts.permissions import Fact, FactsQuery
from peerhaven.accounts.services import in_quiet_hours
from peerhaven.notifications.kinds import KINDS
from peerhaven.notifications.models import Notification, NotificationPreference


def effective_preferences(user: User) -> dict[str, tuple[bool, bool]]:
    """(in_app, email) per kind: the person's choices over the kinds' defaults."""
    prefs = {k: (True, kind.email_default) for k, kind in KINDS.items()}
    for pref in NotificationPreference.objects.filter(user=user):
        if pref.kind in KINDS:
            prefs[pref.kind] = (pref.in_app or KINDS[pref.kind].always_in_app, pref.email)
    return prefs


@transaction.atomic
def set_preferences(*, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    unknown = set(choices) - set(KINDS)
    if unknown:
        raise ValidationError(_("Unknown notification kind."), code="unknown_kind")
    for kind, (in_app, email) in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={"in_app": in_app or KINDS[kind].always_in_app, "email": email},
        )


_email_suppressed: ContextVar[bool] = ContextVar("peerhaven_email_suppressed", default=False)


@contextmanager
def emails_suppressed() -> Iterator[None]:
    """Create notifications without e-mailing anyone (loading demo data, imports)."""
    token = _email_suppressed.set(True)
    try:
        yield
    finally:
        _email_suppressed.reset(token)


def notify(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    urgent: bool = False,
    email_title: str = "",
    email_body: str = "",
) -> Notification:
    """Create an in-app notification and, if the person wants it, queue an e-mail.

    The e-mail is queued after the surrounding transaction commits, and waits while the
    person is in their quiet hours (the periodic job sends it when they end) — unless it is
    ``urgent`` (imminent-risk alerts and escalations to moderators), which goes at once.

    With ``email_title`` the e-mail says that (and ``email_body``) instead of the in-app
    words: for what an inbox or a lock screen should not show, such as a group's name.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    in_app, email = effective_preferences(recipient)[kind]
    now = timezone.now()
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        url=url[:500],
        email_title=email_title[:200],
        email_body=email_body if email_title else "",
        created_at=now,
        # A kind the person muted in the app is kept (for e-mail and export) but not counted.
        read_at=None if in_app else now,
        email_wanted=email and recipient.is_active and not _email_suppressed.get(),
        urgent=urgent,
    )
    if notification.email_wanted and (urgent or not in_quiet_hours(recipient, now)):
        from peerhaven.notifications.tasks import email_notification_task

        transaction.on_commit(partial(email_notification_task, notification.pk))
    return notification


def deliver_email(*, notification_id: int) -> bool:
    """Send one notification's e-mail unless sent already or the person is in quiet hours.

    Urgent notifications ignore quiet hours. Others are dropped (kept in the app) when the
    person no longer wants this kind by e-mail or the account is no longer active.
    """
    from peerhaven.notifications.tasks import send_email_task

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, email_wanted=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None or (
            not notification.urgent and in_quiet_hours(notification.recipient)
        ):
            return False
        recipient = notification.recipient
        # An e-mail may have waited hours for quiet hours to end: the member may since have
        # turned this kind's e-mails off, or the account may have been deactivated.
        if not notification.urgent and not (
            recipient.is_active
            and effective_preferences(recipient).get(notification.kind, (False, False))[1]
        ):
            notification.email_wanted = False
            notification.save(update_fields=["email_wanted"])
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        title, text = (
            (notification.email_title, notification.email_body)
            if notification.email_title
            else (notification.title, notification.body)
        )
        context: dict[str, Any] = {
            "title": title,
            "text": text,
            "url": notification.url,
            "recipient": recipient,
            "site_url": settings.SITE_URL,
        }
        body = render_to_string("notifications/email.txt", context)
        # A header cannot hold a line break (Django refuses to send it at all).
        subject = " ".join(f"[Peerhaven] {title}".split())
    send_email_task(subject=subject, body=body, to=[recipient.email])
    return True


def deliver_deferred_emails(limit: int = 500) -> int:
    """Send e-mails that waited, oldest first, to members whose quiet hours have ended.

    Members still in their quiet hours are left out before ``limit`` applies: otherwise a
    crowd of them (one time zone's night) would fill every run and hold everyone else back.
    """
    pending = Notification.objects.filter(
        email_wanted=True, emailed_at__isnull=True, recipient__is_active=True
    )
    waiting = User.objects.filter(pk__in=pending.values("recipient_id")).only(
        "pk", "time_zone", "quiet_hours_start", "quiet_hours_end"
    )
    awake = [person.pk for person in waiting if not in_quiet_hours(person)]
    ready = (
        pending.filter(Q(urgent=True) | Q(recipient_id__in=awake))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver_email(notification_id=pk) for pk in list(ready))


def mark_read(*, notification: Notification, actor: User) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_facts(user_id: int) -> FactsQuery:
    """The unread count as an ('unread', count, '') row, to fold into a page's facts query."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    return (
        f"SELECT 'unread', COUNT(*), '' FROM {table} "  # noqa: S608 - table name from model metadata
        f"WHERE recipient_id = %s AND read_at IS NULL",
        [user_id],
    )


# The header's unread count, when the view already read it in its facts query.
_REQUEST_UNREAD = "_peerhaven_unread_notifications"


def remember_unread_count(request: Any, facts: list[Fact]) -> None:
    """Keep the unread count from ``facts`` (read in this request) for the page header."""
    for fact, number, _text in facts:
        if fact == "unread":
            setattr(request, _REQUEST_UNREAD, number)


def remembered_unread_count(request: Any) -> int | None:
    return getattr(request, _REQUEST_UNREAD, None)


def export_notifications(user: User) -> dict[str, Any]:
    return {
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(recipient=user)
        ],
        "preferences": [
            {"kind": p.kind, "in_app": p.in_app, "email": p.email}
            for p in NotificationPreference.objects.filter(user=user)
        ],
    }
