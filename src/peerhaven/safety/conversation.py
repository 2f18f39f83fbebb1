"""A member's private conversation with the safety team.

The team writes through ``services.send_outreach`` (from an alert); the member reads and
answers at ``/safety/messages/`` (or ``/api/safety/messages``). There is one conversation per
member, addressed only through the signed-in member: no member id ever appears in its URLs, so
nobody can reach someone else's. The member sees the team's messages signed "Safety team";
moderators see the conversation on the alert page, and that read is audited. Both pages poll
for what came after their newest message (``member_messages_after``,
``moderator_messages_after``), so a reply appears without reloading; the alert page also asks
whether the member has read the team's messages it shows as unread (``read_by_member_between``).

It stays open under a mute and a ban: it is the member's own support, not a public space.
"""

from __future__ import annotations

import dataclasses
import logging
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts import audit
from peerhaven.accounts.models import User
from peerhaven.accounts.ratelimit import hit
from peerhaven.notifications.services import notify
from peerhaven.safety import live
from peerhaven.safety.gate import report_outcome, screen_user_text
from peerhaven.safety.models import AlertSource, AlertStatus, Level, RiskAlert, SafetyMessage
from peerhaven.safety.permissions import check_moderate
from peerhaven.safety.services import moderators_who_can_act, on_duty_moderators, raise_alert

logger = logging.getLogger(__name__)

KIND = "safety.message"
MAX_REPLY = 4000
# Someone in distress may send several short messages in a row; this only stops a flood.
REPLY_LIMIT = 10
REPLY_WINDOW = 60
ACTIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
# The pages show the latest messages; the data export has them all.
SHOWN = 200
# Live updates ask for what came after the newest message a page shows (by id): at most this
# many per answer, oldest first; the page asks again at once when more are waiting.
UPDATES_BATCH = 50
# Reads of new messages per person and kind ("member" or "moderator"); a page asks at most
# every 5 s, so this leaves room for a few tabs. The page's poll and the API share the budget.
LIVE_LIMIT = 60
LIVE_WINDOW = 60


def may_poll(user: Any, kind: str) -> bool:
    """Count one read of new messages; False once ``user`` asks faster than allowed."""
    return hit(f"safety.messages.live.{kind}", str(user.pk), limit=LIVE_LIMIT, window=LIVE_WINDOW)


# How a refusal answers on the page (the API answers 422 for the input refusals).
STATUS_BY_CODE = {"no_conversation": 403, "rate_limited": 429, "empty": 400, "too_long": 400}


def status_for(exc: ValidationError) -> int:
    return STATUS_BY_CODE.get(error_code(exc), 400)


def error_code(exc: ValidationError) -> str:
    for error in getattr(exc, "error_list", [exc]):
        if getattr(error, "code", None):
            return str(error.code)
    return "invalid"


# --- Reads -------------------------------------------------------------------------------------


def has_conversation(member: Any) -> bool:
    """Whether the safety team has written to ``member`` (only then can the member answer)."""
    if not getattr(member, "is_authenticated", False):
        return False
    return SafetyMessage.objects.filter(member_id=member.pk, from_team=True).exists()


def messages_for_member(member: Any) -> list[SafetyMessage]:
    """The member's own conversation, newest last (the latest ``SHOWN``). One query."""
    if not getattr(member, "is_authenticated", False):
        return []
    latest = SafetyMessage.objects.filter(member_id=member.pk).order_by("-created_at", "-pk")
    return list(reversed(latest[:SHOWN]))


def mark_read_by_member(*, member: Any) -> int:
    """The member has seen the team's messages. Returns how many were unread."""
    if not getattr(member, "is_authenticated", False):
        return 0
    return SafetyMessage.objects.filter(
        member_id=member.pk, from_team=True, read_at__isnull=True
    ).update(read_at=timezone.now())


def messages_for_moderator(
    *, moderator: User, member: User, alert: RiskAlert, request: Any = None
) -> list[SafetyMessage]:
    """The member's conversation with the team, newest last, for the alert page.

    A staff read of a member's private words: audited (``safety.messages.read``, ids only),
    and the member's replies count as read by the team.
    """
    check_moderate(moderator)
    latest = (
        SafetyMessage.objects.filter(member=member)
        .select_related("sender")
        .order_by("-created_at", "-pk")
    )
    rows = list(reversed(latest[:SHOWN]))
    _staff_read(moderator=moderator, member=member, alert=alert, rows=rows, request=request)
    return rows


def _after(queryset: Any, after: int) -> tuple[list[SafetyMessage], bool]:
    """Messages with an id above ``after``, oldest first, at most ``UPDATES_BATCH``, and
    whether more are waiting. One query. Ids, not times, are the cursor: they are unique and
    only grow, so a message is never skipped or delivered twice."""
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: UPDATES_BATCH + 1])
    return rows[:UPDATES_BATCH], len(rows) > UPDATES_BATCH


def member_messages_after(*, member: Any, after: int) -> tuple[list[SafetyMessage], bool]:
    """The member's own messages newer than the message ``after`` (an id), for the page's live
    updates: see ``_after``. Delivered team messages count as read, as when the page is opened
    (the page asks only while it is visible). One query; two when one of them was unread."""
    if not getattr(member, "is_authenticated", False):
        return [], False
    rows, more = _after(SafetyMessage.objects.filter(member_id=member.pk), after)
    if any(m.from_team and m.read_at is None for m in rows):
        mark_read_by_member(member=member)
    return rows, more


def moderator_messages_after(
    *, moderator: User, member: User, alert: RiskAlert, after: int, request: Any = None
) -> tuple[list[SafetyMessage], bool]:
    """The member's messages newer than ``after`` for the live alert page: see ``_after``.

    Audited like the page, but only when there is something new: the page view already
    recorded the read of everything it showed, and an audit row for every empty poll (one every
    few seconds while the page is open) would bury the reads that matter. Each row lists the
    ids delivered, so the log still says exactly which words a moderator saw and when.
    """
    check_moderate(moderator)
    rows, more = _after(SafetyMessage.objects.filter(member=member).select_related("sender"), after)
    _staff_read(
        moderator=moderator, member=member, alert=alert, rows=rows, request=request, live=True
    )
    return rows, more


def read_by_member_between(*, moderator: User, member: User, first: int, last: int) -> list[int]:
    """Ids of the team's messages from ``first`` to ``last`` (both included) that the member
    has read, oldest first, at most ``UPDATES_BATCH``. One query.

    For the alert page's live updates: ``first`` is the oldest message the page still labels
    "not read yet", ``last`` the newest it shows, so the label of a message already on the
    screen follows the member's read without a reload (newer messages carry their own). Not
    audited: it says when the member read the team's own words and carries none of the
    member's, and the page view recorded the read of everything it shows. The page asks only
    while one of its messages is still unread, so this costs nothing the rest of the time.
    """
    check_moderate(moderator)
    if first > last:
        return []
    ids = (
        SafetyMessage.objects.filter(
            member=member,
            from_team=True,
            read_at__isnull=False,
            pk__gte=first,
            pk__lte=last,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(ids[:UPDATES_BATCH])


def _staff_read(
    *,
    moderator: User,
    member: User,
    alert: RiskAlert,
    rows: list[SafetyMessage],
    request: Any,
    live: bool = False,
) -> None:
    """Audit a moderator's read of ``rows`` (ids only) and mark the member's replies read."""
    if not rows:
        return
    detail: dict[str, Any] = {"alert": alert.pk, "messages": [m.pk for m in rows]}
    if live:
        detail["live"] = True
    audit.record(
        actor=moderator,
        action="safety.messages.read",
        subject=member,
        obj=alert,
        detail=detail,
        request=request,
    )
    unread = [m.pk for m in rows if not m.from_team and m.read_at is None]
    if unread:
        SafetyMessage.objects.filter(pk__in=unread).update(read_at=timezone.now())


# --- The member's reply ------------------------------------------------------------------------


def reply_to_team(*, member: User, body: str, request: Any = None) -> SafetyMessage:
    """Store the member's answer to the safety team, screened, and tell the team.

    Preconditions: the team has written to the member at least once (``no_conversation``
    otherwise); the text is not empty and at most ``MAX_REPLY`` characters; at most
    ``REPLY_LIMIT`` replies per ``REPLY_WINDOW`` seconds. Each refusal is a ``ValidationError``
    with that code and a message for the member. Allowed under a mute or a ban.

    Side effects, in one transaction: the reply is stored, then ``report_outcome`` acts on its
    screening (ideation or more raises an alert and puts the crisis panel on the member's next
    page); when no alert about the member is open or acknowledged, the reply enters the queue
    at "concern" so the team can take it and answer; and the team is notified: the moderator
    handling the member's latest open or acknowledged alert if they still moderate, else the
    moderators on duty, else all. That alert's row in the live queue is updated after commit.
    """
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        raise PermissionDenied
    text = (body or "").strip()
    if not has_conversation(member):
        raise ValidationError(
            _(
                "The safety team has not written to you yet, so there is nothing to answer here. "
                "If you need someone now, the crisis lines on this page are there for you."
            ),
            code="no_conversation",
        )
    if not text:
        raise ValidationError(_("Write a message first."), code="empty")
    if len(text) > MAX_REPLY:
        raise ValidationError(
            _("Please keep a message under %(n)s characters. Nothing was sent yet.")
            % {"n": f"{MAX_REPLY:,}"},
            code="too_long",
        )
    if not hit(KIND, str(member.pk), limit=REPLY_LIMIT, window=REPLY_WINDOW):
        raise ValidationError(
            _(
                "You have sent several messages in the last minute. Please wait a moment and "
                "send it again; your words are still in the box."
            ),
            code="rate_limited",
        )
    outcome = screen_user_text(text=text, kind=KIND, author=member)
    # Only the safety team reads this conversation, so there is nobody to hold a reply from:
    # the alert is raised as for any risk, without the "held until reviewed" state.
    outcome = dataclasses.replace(outcome, method=False)
    with transaction.atomic():
        last_team = (
            SafetyMessage.objects.filter(member=member, from_team=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        message = SafetyMessage.objects.create(
            member=member,
            alert_id=last_team.alert_id if last_team else None,
            sender=member,
            from_team=False,
            body=text,
            risk_level=outcome.level,
        )
        report_outcome(
            outcome=outcome,
            author=member,
            kind=KIND,
            obj=message,
            url="",
            request=request,
        )
        _queue_if_nothing_open(member=member, message=message)
        _tell_the_team(member=member, message=message, urgent=outcome.at_least("ideation"))
    return message


def _queue_if_nothing_open(*, member: User, message: SafetyMessage) -> None:
    """Put the reply in the queue when no alert about the member is open or acknowledged.

    The team answers from an alert they hold (``send_outreach``); after the alert was resolved
    a reply would otherwise be readable but not answerable. An ideation or imminent reply has
    already raised its own alert through ``report_outcome``.
    """
    if RiskAlert.objects.filter(author=member, status__in=ACTIVE).exists():
        return
    try:
        with transaction.atomic():
            raise_alert(
                author=member,
                source=AlertSource.SCREENING,
                kind=KIND,
                obj=message,
                url="",
                level=Level.CONCERN,
                evidence=[],
                reason=_(
                    "The member answered the safety team and no alert about them was open. "
                    "Read the conversation below and acknowledge this alert to answer."
                ),
            )
    except Exception:  # the reply is stored and the team is notified; never lose it for this
        logger.exception("Could not queue a reply to the safety team")


def _tell_the_team(*, member: User, message: SafetyMessage, urgent: bool) -> None:
    active = RiskAlert.objects.filter(author=member, status__in=ACTIVE).select_related(
        "assigned_to"
    )
    # The moderator who has been talking with the member: the handler of their latest alert
    # that has one (a new open alert raised by this very reply has none yet).
    # (Acknowledged: an escalation names a moderator on an open alert, but that is a nudge.)
    handled = (
        active.filter(status=AlertStatus.ACKNOWLEDGED, assigned_to__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    handler = handled.assigned_to if handled is not None else None
    target: RiskAlert | None
    if handler is not None and moderators_who_can_act(besides=member.pk, among=[handler.pk]):
        recipients = [handler]
        target = handled
    else:
        recipients = on_duty_moderators(besides=member.pk) or moderators_who_can_act(
            besides=member.pk
        )
        target = active.order_by("-created_at", "-pk").first()
    # Where the team reads the reply: an alert page shows the member's whole conversation.
    page_alert_id = target.pk if target is not None else message.alert_id
    url = (
        reverse("moderation:alert", args=[page_alert_id])
        if page_alert_id
        else reverse("moderation:queue")
    )
    for person in {p.pk: p for p in recipients if p.pk != member.pk}.values():
        # No member's words and no name here: notifications can go out by e-mail.
        notify(
            recipient=person,
            kind="safety",
            title=_("A member answered the safety team"),
            body=_("Open the alert to read the conversation and reply."),
            url=url,
            urgent=urgent,
        )
    if target is not None:
        transaction.on_commit(partial(live.broadcast, live.alert_event(target, "replied")))
