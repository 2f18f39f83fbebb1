"""Every safety write: acting on screening results, the queue, outreach, plans, sanctions.

Apps reach safety through ``peerhaven.safety.gate`` (screening) and ``file_report`` (reports);
moderators' actions all pass through here and are audited.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts import audit
from peerhaven.accounts.models import Role, User
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.accounts.privacy import EraseMode
from peerhaven.accounts.ratelimit import hit
from peerhaven.notifications.services import notify
from peerhaven.safety import feedback, live
from peerhaven.safety.gate import report_outcome, screen_user_text
from peerhaven.safety.models import (
    LEVEL_RANK,
    ActionKind,
    AlertOutcome,
    AlertSource,
    AlertStatus,
    Appeal,
    AppealStatus,
    CrisisResource,
    Level,
    ModerationAction,
    ModeratorDuty,
    OutreachTemplate,
    RiskAlert,
    SafetyMessage,
    SafetyPlan,
    ScreeningLabel,
)
from peerhaven.safety.sanctions import banned_now, forget_sanctions

logger = logging.getLogger(__name__)

# Minutes a moderator has to acknowledge an alert, by level (and for reports / failed screening).
DEFAULT_SLA_MINUTES = {"imminent": 15, "ideation": 60, "concern": 240, "report": 240}
SESSION_PANEL_KEY = "safety_panel"
REPORT_LIMIT_PER_HOUR = 20


class AlertUnavailableError(ValidationError):
    """Another moderator has this alert, or it is resolved."""


def sla_minutes(level: str, source: str = AlertSource.SCREENING) -> int:
    table = {**DEFAULT_SLA_MINUTES, **getattr(settings, "SAFETY_SLA_MINUTES", {})}
    if source == AlertSource.REPORT:
        # A report that describes risk is as urgent as that risk screened in a post.
        return min(int(table["report"]), int(table.get(level, table["report"])))
    return int(table.get(level, table["concern"]))


def _object_ref(obj: Any) -> tuple[ContentType | None, str]:
    if isinstance(obj, Model) and obj.pk is not None:
        return ContentType.objects.get_for_model(obj), str(obj.pk)
    return None, ""


def _is_user(value: Any) -> bool:
    return isinstance(value, User) and value.pk is not None


# --- Screening results ---------------------------------------------------------------------------


def _show_panel(request: Any, author: Any, *, level: str, held: bool, kind: str) -> None:
    """Ask the next page the author sees to show the crisis / support panel once."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or getattr(user, "pk", None) != getattr(author, "pk", 0):
        return
    previous = session.get(SESSION_PANEL_KEY) or {}
    if LEVEL_RANK.get(previous.get("level", "none"), 0) > LEVEL_RANK.get(level, 0):
        return
    session[SESSION_PANEL_KEY] = {"level": level, "held": held, "kind": kind}


# The crisis panel's anchor: a page the author is sent to after writing must open on it.
PANEL_ANCHOR = "crisis-help"


def to_help_if_shown(request: Any, url: str) -> str:
    """``url`` with its fragment replaced by the crisis panel's when the next page will show
    the panel for ideation or more: after a reply, the thread opens at the reply (far down
    the page), and the panel at the top of the page would be out of sight."""
    panel = (getattr(request, "session", None) or {}).get(SESSION_PANEL_KEY) or {}
    if LEVEL_RANK.get(panel.get("level", "none"), 0) < LEVEL_RANK["ideation"]:
        return url
    return f"{url.split('#', 1)[0]}#{PANEL_ANCHOR}"


def handle_screening(
    *,
    outcome: Any,
    author: Any,
    kind: str,
    obj: Any = None,
    url: str = "",
    request: Any = None,
    text: str = "",
) -> RiskAlert | None:
    """Act on a screening result for text that was just stored (inside the caller's transaction).

    - ``concern``: the author sees gentle support links on their next page. Nothing else.
    - ``ideation``: the author sees crisis lines and their safety plan at once; an alert enters
      the moderation queue.
    - ``imminent``: as ideation, plus a live alert to moderators on duty and an e-mail.
    - a screening error (``needs_review``): a review item enters the queue; the text stays.

    When the outcome holds the text, the alert keeps ``text`` (if given) for the moderator.

    Returns the alert created or updated, if any. Never raises for the author's sake: a failure
    here is logged and must not lose the text the caller just stored.
    """
    try:
        with transaction.atomic():
            return _handle_screening(
                outcome=outcome,
                author=author,
                kind=kind,
                obj=obj,
                url=url,
                request=request,
                text=text,
            )
    except Exception:
        logger.exception("Safety handling failed for %s; the text was kept", kind)
        return None


def _handle_screening(
    *, outcome: Any, author: Any, kind: str, obj: Any, url: str, request: Any, text: str = ""
) -> RiskAlert | None:
    level = outcome.level
    if level != "none":
        _show_panel(request, author, level=level, held=bool(outcome.hold), kind=kind)
    if outcome.needs_review:
        source = AlertSource.REVIEW
    elif LEVEL_RANK.get(level, 0) >= LEVEL_RANK["ideation"]:
        source = AlertSource.SCREENING
    else:
        return None
    return raise_alert(
        author=author if _is_user(author) else None,
        source=source,
        kind=kind,
        obj=obj,
        url=url,
        level=level,
        evidence=list(outcome.evidence),
        held=bool(outcome.hold),
        held_text=text if outcome.hold else "",
        reason=_("Screening failed (%(error)s); please read the text.")
        % {"error": getattr(outcome, "error", "") or "error"}
        if outcome.needs_review
        else "",
    )


def raise_alert(
    *,
    author: User | None,
    source: str,
    kind: str,
    obj: Any,
    url: str,
    level: str,
    evidence: list[Any],
    held: bool = False,
    reason: str = "",
    reporter: User | None = None,
    held_text: str = "",
) -> RiskAlert:
    """Put an item in the queue, or raise the level of the open item for the same object.

    ``held_text`` is the held text as written; a later held text for the same object replaces
    it (that is the text a release would publish), while a later text that is not held leaves
    the copy so the moderator can still read what was held.
    """
    content_type, object_id = _object_ref(obj)
    now = timezone.now()
    existing = None
    if content_type is not None and source != AlertSource.REPORT:
        existing = (
            RiskAlert.objects.select_for_update()
            .filter(
                content_type=content_type,
                object_id=object_id,
                source=source,
                # One writer per alert: two facilitators' notes on one meeting never merge.
                author=author if _is_user(author) else None,
                status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
            )
            .first()
        )
    upgraded = False
    if existing is not None:
        alert = existing
        if LEVEL_RANK[level] > alert.rank:
            upgraded = level == "imminent"
            alert.level = level
            alert.sla_due_at = min(
                alert.sla_due_at, now + datetime.timedelta(minutes=sla_minutes(level, source))
            )
        alert.evidence = evidence
        alert.held = held
        if held_text:
            alert.held_text = held_text
        alert.url = url[:500] or alert.url
        alert.save()
        event = "updated"
    else:
        alert = RiskAlert.objects.create(
            author=author,
            reporter=reporter,
            source=source,
            kind=kind[:40],
            content_type=content_type,
            object_id=object_id,
            url=url[:500],
            level=level,
            evidence=evidence,
            held=held,
            held_text=held_text,
            reason=reason,
            created_at=now,
            sla_due_at=now + datetime.timedelta(minutes=sla_minutes(level, source)),
        )
        event = "created"
    transaction.on_commit(
        partial(live.broadcast, live.alert_event(alert, event, raised_to_imminent=upgraded))
    )
    # A new imminent item pages the team, and so does an open item raised to imminent (an
    # edit that adds a plan): either way someone must look now.
    if level == "imminent" and (event == "created" or upgraded) and not _paged_recently(alert):
        _alert_moderators_on_duty(alert)
    return alert


def _paged_recently(alert: RiskAlert) -> bool:
    """A report about an object that already paged moderators within the hour does not page
    again (the item still enters the queue): reports cannot be used to flood the on-duty team."""
    if alert.source != AlertSource.REPORT or alert.content_type is None:
        return False
    return (
        RiskAlert.objects.filter(
            content_type=alert.content_type,
            object_id=alert.object_id,
            level="imminent",
            status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
            created_at__gte=alert.created_at - datetime.timedelta(hours=1),
        )
        .exclude(pk=alert.pk)
        .exists()
    )


def on_duty_moderators(*, besides: int | None = None) -> list[User]:
    """Moderators on duty who can work the queue now, longest on duty first.

    The duty flag outlives what it needs: a moderator who has since lost their two-factor
    authenticator or been banned still has ``on_duty`` set, but cannot open the queue. They
    are left out, so pages and escalations go to someone who can act (or, when nobody on duty
    can, to every moderator who can). ``besides``: a person to leave out (the alert's author).
    """
    duty = ModeratorDuty.objects.filter(on_duty=True)
    return _able_moderators(
        User.objects.filter(pk__in=duty.values("moderator_id"))
        .annotate(duty_since=Subquery(duty.filter(moderator=OuterRef("pk")).values("since")[:1]))
        .order_by("duty_since", "pk"),
        besides=besides,
    )


def moderators_who_can_act(
    *, besides: int | None = None, among: list[int] | None = None
) -> list[User]:
    """Every moderator who can open the queue now (active, not banned, with two-factor), or
    those of them ``among`` the given ids."""
    users = User.objects.filter(role_assignments__role=Role.MODERATOR)
    if among is not None:
        users = users.filter(pk__in=among)
    return _able_moderators(users.distinct().order_by("pk"), besides=besides)


def _able_moderators(users: Any, *, besides: int | None) -> list[User]:
    """``users`` narrowed to moderators who can act, in two queries however many there are."""
    users = (
        users.filter(is_active=True)
        .exclude(pk__in=banned_now())
        .exclude(pk=besides)
        .annotate(
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
        .prefetch_related("role_assignments")
    )
    found: list[User] = []
    for user in users:
        # Cached where ``has_two_factor`` looks first: one query for everyone, not one each.
        user._has_two_factor = user.has_totp
        if can_use_staff_role(user, Role.MODERATOR):
            found.append(user)
    return found


def _page(*, recipient: User, **kwargs: Any) -> None:
    """Notify one person (a member of the team, or an alert's author) without risking the
    alert it is about.

    Called inside the transaction that stores the alert (or its escalation): a failure to
    notify one person (a broken preference row, a database hiccup on the notification table)
    must neither roll the alert back nor keep the rest of the team from being told. Its own
    savepoint undoes only that notification; the failure is logged for the operators.
    """
    try:
        with transaction.atomic():
            notify(recipient=recipient, **kwargs)
    except Exception:
        logger.exception("Could not notify user %s of a safety alert", recipient.pk)


def _users_with_role(role: str) -> list[User]:
    return list(User.objects.filter(role_assignments__role=role, is_active=True).distinct())


def _alert_moderators_on_duty(alert: RiskAlert) -> None:
    """In-app notification and e-mail (kind "safety") to moderators on duty, or all if none is.

    Urgent: the e-mail goes at once, whatever the moderator's quiet hours. When nobody is on
    duty it still goes at once to every moderator and admin, or nobody would read it in time.
    """
    # Never the person the alert is about, whatever their role.
    recipients = on_duty_moderators(besides=alert.author_id) or [
        *moderators_who_can_act(besides=alert.author_id),
        *(p for p in _users_with_role(Role.ADMIN) if p.pk != alert.author_id),
    ]
    for person in recipients:
        _page(
            recipient=person,
            kind="safety",
            title=_("Imminent-risk alert: please acknowledge within %(n)d minutes")
            % {"n": sla_minutes(alert.level, alert.source)},
            body=_("A member's report describes imminent risk. Open the queue to respond.")
            if alert.source == AlertSource.REPORT
            else _("A member's text was screened as imminent risk. Open the queue to respond."),
            url=f"/moderation/alerts/{alert.pk}/",
            urgent=True,
        )


# --- Reports from other apps ----------------------------------------------------------------------


def file_report(
    *,
    reporter: User,
    obj: Any,
    reason: str,
    url: str,
    author: User | None = None,
    min_level: str = "concern",
    screen_reporter: bool = True,
    request: Any = None,
) -> RiskAlert:
    """A member reports a post, message or person; it lands in the moderation queue.

    ``author`` defaults to ``obj.author`` (or ``obj.user``, or ``obj`` itself for a person).
    Rate-limited per reporter; raises ``ValidationError`` when over the limit or without a reason.
    A reason that describes risk ("he says he wants to die", a quoted "I'll do it tonight") is
    screened as a report about someone (``screening.screen_report``): the item takes that level,
    its evidence and SLA, and an imminent one alerts the moderators on duty at once.
    ``min_level`` is the least it enters at: "ideation" when the reporter chose "someone may be
    at risk", so a report of risk is never left for the ordinary report SLA. The reason is also
    screened as the reporter's own text, unless the caller already did (``screen_reporter``).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please say briefly what is wrong."), code="reason_required")
    if len(reason) > 1000:
        raise ValidationError(_("Please keep the reason under 1,000 characters."), code="too_long")
    if not hit("safety.report", str(reporter.pk), limit=REPORT_LIMIT_PER_HOUR, window=3600):
        raise ValidationError(
            _("You have sent many reports in the last hour. Please try again later."),
            code="rate_limited",
        )
    if author is None:
        if isinstance(obj, User):
            author = obj
        else:
            author = getattr(obj, "author", None) or getattr(obj, "user", None)
    kind = obj._meta.label_lower if isinstance(obj, Model) else "report"
    level, evidence, own_words = _reported_risk(reason)
    if LEVEL_RANK.get(min_level, 0) > LEVEL_RANK[level]:
        level = min_level
    with transaction.atomic():
        alert = raise_alert(
            author=author if _is_user(author) else None,
            source=AlertSource.REPORT,
            kind=kind,
            obj=obj,
            url=url,
            level=level,
            evidence=evidence,
            reason=reason,
            reporter=reporter,
        )
        if screen_reporter and own_words:
            # The reporter's own words are text like any other: "this post makes me want to
            # die" is the reporter's risk, and they get the crisis panel and an alert naming them.
            # Only when the report reading found words of theirs: a quote of the reported
            # person, or "he told me to kill myself", is not the reporter's risk.
            own = screen_user_text(text=reason, kind="safety.report", author=reporter)
            report_outcome(
                outcome=own,
                author=reporter,
                kind="safety.report",
                obj=alert,
                url=url,
                request=request,
            )
        return alert


def reporter_at_risk(reason: str) -> bool:
    """Whether a report's reason holds risk words of the reporter's own (not a quote of the
    reported person, not "he told me to ..."): those are screened as the reporter's text."""
    return _reported_risk(reason)[2]


def _reported_risk(reason: str) -> tuple[str, list[dict[str, Any]], bool]:
    """The level a report enters the queue at (never below concern), why, and whether the
    reason holds risk words of the reporter's own (screened as their text by the caller)."""
    from peerhaven.safety.screening import RiskLevel, screen_report

    try:
        result = screen_report(reason)
    except Exception:  # fail safe: the report is filed as an ordinary one
        logger.exception("Screening a report's reason failed; filing it at concern")
        return "concern", [], True
    own_words = any(
        "reporter" in e.modifiers and e.base_level >= RiskLevel.IDEATION for e in result.evidence
    )
    if result.level < RiskLevel.IDEATION:
        return "concern", [], own_words
    evidence = [e.as_dict() for e in result.evidence if e.level >= RiskLevel.IDEATION]
    return result.level.label, evidence, own_words


# --- The queue ---------------------------------------------------------------------------------


def _check_moderator(moderator: Any) -> None:
    from peerhaven.safety.permissions import check_moderate

    check_moderate(moderator)


def set_on_duty(*, moderator: User, on_duty: bool, request: Any = None) -> ModeratorDuty:
    _check_moderator(moderator)
    duty, _created = ModeratorDuty.objects.update_or_create(
        moderator=moderator, defaults={"on_duty": on_duty, "since": timezone.now()}
    )
    audit.record(
        actor=moderator,
        action="safety.duty.on" if on_duty else "safety.duty.off",
        obj=duty,
        request=request,
    )
    return duty


def is_on_duty(user: Any) -> bool:
    return ModeratorDuty.objects.filter(moderator_id=user.pk, on_duty=True).exists()


@transaction.atomic
def claim_alert(*, alert_id: int, moderator: User, request: Any = None) -> RiskAlert:
    """Acknowledge an open alert: it becomes this moderator's, and nobody else's.

    On PostgreSQL the row is locked with SKIP LOCKED, so a second moderator claiming at the
    same moment gets ``AlertUnavailableError`` at once instead of waiting; on every database the
    conditional update only succeeds for the first claim.
    """
    _check_moderator(moderator)
    locked = (
        RiskAlert.objects.select_for_update(skip_locked=True)
        .filter(pk=alert_id, status=AlertStatus.OPEN)
        .first()
    )
    if locked is None:
        raise AlertUnavailableError(
            _("Another moderator has this alert already, or it is resolved."), code="taken"
        )
    if locked.author_id == moderator.pk:
        # As with an appeal about yourself: another moderator handles an alert about you.
        raise PermissionDenied(_("This alert is about you; another moderator will handle it."))
    now = timezone.now()
    updated = RiskAlert.objects.filter(pk=alert_id, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED, assigned_to=moderator, acknowledged_at=now
    )
    if updated != 1:
        raise AlertUnavailableError(
            _("Another moderator has this alert already, or it is resolved."), code="taken"
        )
    alert = RiskAlert.objects.select_related("author", "assigned_to").get(pk=alert_id)
    audit.record(
        actor=moderator,
        action="safety.alert.acknowledge",
        subject=alert.author,
        obj=alert,
        detail={"alert": alert.pk, "level": alert.level},
        request=request,
    )
    transaction.on_commit(partial(live.broadcast, live.alert_event(alert, "acknowledged")))
    return alert


def claim_next_alert(*, moderator: User, request: Any = None) -> RiskAlert | None:
    """Take the most urgent open alert nobody else is taking right now."""
    _check_moderator(moderator)
    for _attempt in range(5):
        with transaction.atomic():
            candidate = (
                RiskAlert.objects.select_for_update(skip_locked=True)
                .filter(status=AlertStatus.OPEN)
                .exclude(author=moderator)
                .order_by("sla_due_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
        if candidate is None:
            return None
        try:
            return claim_alert(alert_id=candidate, moderator=moderator, request=request)
        except AlertUnavailableError:
            continue
    return None


def get_alert_for_moderator(*, user: Any, alert_id: int, request: Any = None) -> RiskAlert:
    """Fetch an alert for a moderator (404 for anyone else) and log the read."""
    from django.http import Http404

    from peerhaven.safety.permissions import can_moderate

    if not can_moderate(user):
        raise Http404
    alert = (
        RiskAlert.objects.select_related("author", "assigned_to", "reporter", "content_type")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise Http404
    audit.record(
        actor=user,
        action="safety.alert.read",
        subject=alert.author,
        obj=alert,
        detail={"alert": alert.pk},
        request=request,
    )
    return alert


def _check_handler(alert: RiskAlert, moderator: User) -> None:
    """Only the moderator who acknowledged the alert acts on it.

    An open alert can carry ``assigned_to`` too (escalation names the next moderator on duty),
    but that is a nudge, not a claim: anyone may still acknowledge it, so acting on it before
    acknowledging would let two moderators handle the same alert.
    """
    if alert.status == AlertStatus.RESOLVED:
        raise AlertUnavailableError(_("This alert is already resolved."), code="resolved")
    if alert.status != AlertStatus.ACKNOWLEDGED or alert.assigned_to_id != moderator.pk:
        raise PermissionDenied(_("Acknowledge the alert first; it may be another moderator's."))


def render_template(template: OutreachTemplate, member: User) -> tuple[str, str]:
    # Plain replacement, not str.format: a template is staff-written text, and format fields
    # like {name.attr} or {name:>99999999} would crash or exhaust memory.
    name = member.display_name
    return template.title.replace("{name}", name), template.body.replace("{name}", name)


@transaction.atomic
def send_outreach(
    *,
    alert: RiskAlert,
    moderator: User,
    template: OutreachTemplate | None = None,
    title: str = "",
    body: str = "",
    request: Any = None,
) -> None:
    """Send the member a private message from the safety team (a "safety" notification).

    The message opens (or continues) the member's conversation with the safety team
    (``safety.conversation``): it is stored there, linked to ``alert``, and the notification
    leads to ``/safety/messages/`` where the member can answer. The member sees it signed by
    the safety team, never by the moderator's name.
    """
    _check_moderator(moderator)
    alert = (
        RiskAlert.objects.select_for_update(of=("self",)).select_related("author").get(pk=alert.pk)
    )
    _check_handler(alert, moderator)
    if alert.author is None:
        raise ValidationError(_("This member's account no longer exists."), code="no_author")
    if template is not None:
        default_title, default_body = render_template(template, alert.author)
        title = title.strip() or default_title
        body = body.strip() or default_body
    if not title.strip() or not body.strip():
        raise ValidationError(_("Write a title and a message."), code="empty")
    message = SafetyMessage.objects.create(
        member=alert.author,
        alert=alert,
        sender=moderator,
        from_team=True,
        title=title.strip()[:200],
        body=body.strip(),
    )
    notify(
        recipient=alert.author,
        kind="safety",
        title=title.strip(),
        body=body.strip(),
        url=reverse("safety:messages"),
    )
    alert.outreach_at = timezone.now()
    alert.save(update_fields=["outreach_at"])
    audit.record(
        actor=moderator,
        action="safety.alert.outreach",
        subject=alert.author,
        obj=alert,
        detail={
            "alert": alert.pk,
            "template": template.pk if template else None,
            "message": message.pk,
        },
        request=request,
    )


def save_outreach_template(
    *, template: OutreachTemplate, actor: User, fields: dict[str, Any], request: Any = None
) -> OutreachTemplate:
    """Create or edit a message template of the safety team (moderators and admins)."""
    _check_moderator(actor)
    for key, value in fields.items():
        setattr(template, key, value)
    template.full_clean()
    template.save()
    audit.record(
        actor=actor,
        action="safety.template.save",
        obj=template,
        detail={"template": template.pk},
        request=request,
    )
    return template


# Apps that hold content register how to release it when a moderator clears it.
_hold_releasers: dict[str, Callable[..., None]] = {}
# Those that also take the reason the author reads when the content stays hidden.
_releasers_with_reason: set[str] = set()


def register_hold_releaser(
    label: str, release: Callable[..., None], *, takes_reason: bool = False
) -> None:
    """``release(object_id, publish)`` is called when a moderator resolves a held item.

    ``label`` is the model's ``app_label.model_name``; ``publish`` says whether to show the
    content to everyone again (False keeps it hidden). With ``takes_reason`` it is called
    ``release(object_id, publish, reason=...)``: when ``publish`` is False, ``reason`` is what
    the moderator wrote for the author (may be empty), so the app can stop telling the author
    the content is "waiting for review" and say it was reviewed and kept hidden, and why.
    """
    _hold_releasers[label] = release
    if takes_reason:
        _releasers_with_reason.add(label)
    else:
        _releasers_with_reason.discard(label)


@transaction.atomic
def resolve_alert(
    *,
    alert: RiskAlert,
    moderator: User,
    outcome: str,
    note: str = "",
    release_held: bool = False,
    held_reason: str = "",
    request: Any = None,
) -> RiskAlert:
    """Close an alert with an outcome. The moderator must have acknowledged it.

    A held item stays hidden unless ``release_held`` says the moderator chose to publish it
    (the form's and the API's choice, unticked by default): closing an alert for another
    reason, such as a report dismissed in the forums, never publishes text held for risk.
    ``held_reason`` is what the author of an item kept hidden is told, passed to releasers
    registered with ``takes_reason``.
    """
    _check_moderator(moderator)
    if outcome not in AlertOutcome.values:
        raise ValidationError(_("Choose an outcome."), code="invalid_outcome")
    if len(held_reason.strip()) > 500:
        # Refused, not cut: the author would read half a sentence.
        raise ValidationError(
            _("The reason for the author is over 500 characters."), code="too_long"
        )
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    _check_handler(alert, moderator)
    if alert.level == Level.IMMINENT and outcome == AlertOutcome.NO_RISK and not note.strip():
        # A second look for the one closure that dismisses imminent risk: the next moderator,
        # and the label the screener learns from, need the reason.
        raise ValidationError(
            _("Say in the note why there is no risk to the author: this alert is imminent."),
            code="note_required",
        )
    alert.status = AlertStatus.RESOLVED
    alert.outcome = outcome
    alert.resolution_note = note.strip()
    alert.resolved_at = timezone.now()
    alert.save(update_fields=["status", "outcome", "resolution_note", "resolved_at"])
    try:
        with transaction.atomic():
            feedback.record_label(alert, moderator)
    except Exception:  # the judgement is a by-product; the resolution must stand
        logger.exception("Recording the screening label of alert %s failed", alert.pk)
    released = False
    if alert.held and alert.content_type is not None:
        label = f"{alert.content_type.app_label}.{alert.content_type.model}"
        releaser = _hold_releasers.get(label)
        # Never publish what another open alert still holds (a newer held text on the same
        # object, which this moderator has not read).
        unread_hold = (
            RiskAlert.objects.filter(
                content_type=alert.content_type,
                object_id=alert.object_id,
                held=True,
                status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
            )
            .exclude(pk=alert.pk)
            .exists()
        )
        if releaser is not None and not (release_held and unread_hold):
            if label in _releasers_with_reason:
                releaser(
                    alert.object_id,
                    release_held,
                    reason="" if release_held else held_reason.strip(),
                )
            else:
                releaser(alert.object_id, release_held)
            released = release_held
            _tell_author_of_review(alert, published=release_held, reason=held_reason)
    audit.record(
        actor=moderator,
        action="safety.alert.resolve",
        subject=alert.author,
        obj=alert,
        detail={"alert": alert.pk, "outcome": outcome, "released": released},
        request=request,
    )
    transaction.on_commit(partial(live.broadcast, live.alert_event(alert, "resolved")))
    return alert


def _tell_author_of_review(alert: RiskAlert, *, published: bool, reason: str) -> None:
    """Tell the author a moderator read their held text, and what became of it: they were
    told it waits for a review, and must not have to keep checking. Never about a
    moderator's own text, and a failure never undoes the resolution (``_page``)."""
    if alert.author is None:
        return
    if published:
        title = _("A moderator read what you wrote, and others can see it now")
        body = _("Thank you for sharing it. Get help now is always one tap away if you need it.")
    else:
        title = _("A moderator read what you wrote and kept it hidden")
        body = (reason.strip() or _("It stays visible to you and the moderators only.")) + (
            " " + _("You have done nothing wrong. Get help now is always one tap away.")
        )
    _page(recipient=alert.author, kind="moderation", title=title, body=body, url=alert.url)


def escalate_overdue_alerts(*, now: datetime.datetime | None = None) -> int:
    """Escalate open alerts past their SLA to the next moderator on duty (every moderator when
    nobody who can act is on duty) and to the admins.

    Each overdue alert is escalated at most once per SLA period; returns how many were. The
    e-mails are urgent (sent at once, whatever the recipients' quiet hours).
    """
    now = now or timezone.now()
    admins = _users_with_role(Role.ADMIN)
    count = 0
    overdue = list(
        RiskAlert.objects.filter(status=AlertStatus.OPEN, sla_due_at__lt=now).values_list(
            "pk", flat=True
        )
    )
    for alert_id in overdue:
        # One alert that cannot be escalated (logged) must not keep the others waiting.
        try:
            if _escalate_one(alert_id=alert_id, now=now, admins=admins):
                count += 1
        except Exception:
            logger.exception("Escalating alert %s failed; trying again next run", alert_id)
    return count


def _escalate_one(*, alert_id: int, now: datetime.datetime, admins: list[User]) -> bool:
    """Escalate one overdue open alert (False when it was taken or escalated meanwhile)."""
    with transaction.atomic():
        alert = (
            RiskAlert.objects.select_for_update(skip_locked=True)
            .filter(pk=alert_id, status=AlertStatus.OPEN, sla_due_at__lt=now)
            .first()
        )
        if alert is None:
            return False
        moderators = on_duty_moderators(besides=alert.author_id)
        target = None
        if moderators:
            target = moderators[alert.escalation_count % len(moderators)]
        alert.escalation_count += 1
        alert.last_escalated_at = now
        alert.assigned_to = target
        alert.sla_due_at = now + datetime.timedelta(minutes=sla_minutes(alert.level, alert.source))
        alert.save(
            update_fields=["escalation_count", "last_escalated_at", "assigned_to", "sla_due_at"]
        )
        title = _("Unacknowledged %(level)s alert escalated (%(n)d×)") % {
            "level": alert.level,
            "n": alert.escalation_count,
        }
        body = _("Nobody acknowledged this alert in time. Please open the queue now.")
        # Nobody on duty who can act: every moderator is told, as for a new imminent alert,
        # or an alert raised at night could be escalated to admins only, or to nobody.
        team = [target] if target else moderators_who_can_act(besides=alert.author_id)
        others = [p for p in admins if p.pk != alert.author_id]
        for person in {p.pk: p for p in team + others}.values():
            _page(
                recipient=person,
                kind="safety",
                title=title,
                body=body,
                url=f"/moderation/alerts/{alert.pk}/",
                urgent=True,
            )
        audit.record(
            actor=None,
            action="safety.alert.escalate",
            subject=alert.author,
            obj=alert,
            detail={"alert": alert.pk, "to": target.pk if target else None},
        )
        transaction.on_commit(partial(live.broadcast, live.alert_event(alert, "escalated")))
    return True


# --- Safety plans -------------------------------------------------------------------------------


def save_safety_plan(*, user: User, steps: dict[str, str]) -> SafetyPlan:
    """Create or update the member's own safety plan.

    The plan is private and never broadcast, so it is not screened: it is *meant* to talk about
    warning signs and means, and alerts on it would only punish making a plan.
    """
    unknown = set(steps) - set(SafetyPlan.STEPS)
    if unknown:
        raise ValidationError(_("Unknown safety plan step."), code="unknown_step")
    for key, value in steps.items():
        if len(value) > 4000:
            raise ValidationError({key: [_("Please keep each step under 4,000 characters.")]})
    plan, _created = SafetyPlan.objects.get_or_create(user=user)
    for key, value in steps.items():
        setattr(plan, key, value.strip())
    plan.updated_at = timezone.now()
    plan.save()
    return plan


# --- Crisis resources ---------------------------------------------------------------------------


def update_crisis_resource(
    *, resource: CrisisResource, actor: User, fields: dict[str, Any], request: Any = None
) -> CrisisResource:
    from peerhaven.safety.permissions import can_manage_resources

    if not can_manage_resources(actor):
        raise PermissionDenied
    for key, value in fields.items():
        setattr(resource, key, value)
    resource.full_clean()
    resource.save()
    audit.record(
        actor=actor,
        action="safety.resource.update",
        obj=resource,
        detail={"fields": sorted(fields)},
        request=request,
    )
    return resource


# --- Moderation actions and appeals --------------------------------------------------------------


def take_action(
    *,
    member: User,
    moderator: User,
    kind: str,
    reason: str,
    hours: int | None = None,
    alert: RiskAlert | None = None,
    request: Any = None,
) -> ModerationAction:
    """Warn, mute or ban a member, for ``hours`` (None: until revoked). The member sees why."""
    _check_moderator(moderator)
    if kind not in ActionKind.values:
        raise ValidationError(_("Choose warning, mute or ban."), code="invalid_kind")
    if not reason.strip():
        raise ValidationError(_("Give the member a reason."), code="reason_required")
    if member.pk == moderator.pk:
        raise ValidationError(_("You cannot act on yourself."), code="self")
    if hours is not None and not 1 <= hours <= 24 * 365:
        # 0 would otherwise mean "no end" and a negative duration an action already over.
        raise ValidationError(
            _("Give a duration from 1 hour to a year, or none for no end."), code="bad_duration"
        )
    if alert is not None:
        _check_handler(alert, moderator)
    now = timezone.now()
    action = ModerationAction.objects.create(
        member=member,
        kind=kind,
        reason=reason.strip(),
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=hours) if hours else None,
        created_by=moderator,
        alert=alert,
    )
    forget_sanctions(member.pk)
    notify(
        recipient=member,
        kind="moderation",
        title=_("A moderator has acted on your account: %(kind)s")
        % {"kind": action.get_kind_display()},
        body=action.reason,
        url="/safety/actions/",
    )
    audit.record(
        actor=moderator,
        action=f"safety.action.{kind}",
        subject=member,
        obj=action,
        detail={"action": action.pk, "hours": hours},
        request=request,
    )
    return action


@transaction.atomic
def file_appeal(
    *, action: ModerationAction, member: User, text: str, request: Any = None
) -> Appeal:
    """The member appeals a moderator's action (open under a mute or ban: that is its purpose).

    The text is screened like any text a person writes: someone just muted or banned may be in
    distress, and risk in an appeal must reach the alert queue, not wait in the appeals list.
    """
    if action.member_id != member.pk:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError(_("Tell us why the decision should change."), code="empty")
    if Appeal.objects.filter(action=action).exists():
        raise ValidationError(_("You have already appealed this decision."), code="duplicate")
    text = text.strip()[:4000]
    outcome = screen_user_text(text=text, kind="safety.appeal", author=member)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(action=action, text=text)
    except IntegrityError as exc:  # a double submit: the first one was stored
        raise ValidationError(
            _("You have already appealed this decision."), code="duplicate"
        ) from exc
    report_outcome(
        outcome=outcome,
        author=member,
        kind="safety.appeal",
        obj=appeal,
        url=reverse("moderation:appeals"),
        request=request,
    )
    return appeal


@transaction.atomic
def decide_appeal(
    *, appeal: Appeal, moderator: User, overturn: bool, response: str, request: Any = None
) -> Appeal:
    _check_moderator(moderator)
    appeal = Appeal.objects.select_for_update().select_related("action").get(pk=appeal.pk)
    if appeal.status != AppealStatus.OPEN:
        raise ValidationError(_("This appeal is already decided."), code="decided")
    if appeal.action.created_by_id == moderator.pk:
        raise PermissionDenied(_("Another moderator must decide an appeal against your action."))
    if appeal.action.member_id == moderator.pk:
        # A moderator who was muted (a ban already shuts the moderation area) would otherwise
        # lift their own sanction.
        raise PermissionDenied(_("Another moderator must decide an appeal about you."))
    now = timezone.now()
    appeal.status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    appeal.decided_by = moderator
    appeal.decided_at = now
    appeal.response = response.strip()
    appeal.save()
    if overturn:
        appeal.action.revoked_at = now
        appeal.action.save(update_fields=["revoked_at"])
        forget_sanctions(appeal.action.member_id)
    member = User.objects.get(pk=appeal.action.member_id)
    notify(
        recipient=member,
        kind="moderation",
        title=_("Your appeal was decided: %(status)s") % {"status": appeal.get_status_display()},
        body=appeal.response,
        url="/safety/actions/",
    )
    audit.record(
        actor=moderator,
        action="safety.appeal.decide",
        subject=member,
        obj=appeal,
        detail={"appeal": appeal.pk, "overturn": overturn},
        request=request,
    )
    return appeal


# --- Personal data -------------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def export_safety(user: User) -> dict[str, Any]:
    plan = SafetyPlan.objects.filter(user=user).first()
    return {
        "safety_plan": {step: getattr(plan, step) for step in SafetyPlan.STEPS}
        | {"updated_at": _iso(plan.updated_at)}
        if plan
        else None,
        "risk_alerts_about_me": [
            {
                "kind": a.kind,
                "level": a.level,
                "source": a.source,
                "created_at": _iso(a.created_at),
                "status": a.status,
                "outcome": a.outcome,
                "held_text": a.held_text,
            }
            for a in RiskAlert.objects.filter(author=user)
        ],
        "screener_labels_about_my_texts": [
            {"kind": label.kind, "label": label.label, "decided_at": _iso(label.decided_at)}
            for label in ScreeningLabel.objects.filter(author=user)
        ],
        "help_improve_the_screener": feedback.active_consent(user) is not None,
        "reports_i_filed": [
            {"kind": a.kind, "reason": a.reason, "created_at": _iso(a.created_at)}
            for a in RiskAlert.objects.filter(reporter=user)
        ],
        "moderation_actions": [
            {
                "kind": m.kind,
                "reason": m.reason,
                "starts_at": _iso(m.starts_at),
                "ends_at": _iso(m.ends_at),
                "revoked_at": _iso(m.revoked_at),
                "appeal": {"text": m.appeal.text, "status": m.appeal.status}
                if hasattr(m, "appeal")
                else None,
            }
            for m in ModerationAction.objects.filter(member=user).select_related("appeal")
        ],
        # The member's conversation with the safety team: signed "safety team", as they saw it.
        "messages_with_the_safety_team": [
            {
                "from": "safety_team" if m.from_team else "me",
                "title": m.title,
                "body": m.body,
                "created_at": _iso(m.created_at),
                "read_at": _iso(m.read_at),
            }
            for m in SafetyMessage.objects.filter(member=user).order_by("created_at", "pk")
        ],
    }


def erase_safety(user: User, mode: EraseMode) -> None:
    """Alerts about the member hold excerpts of their text: they go in either mode."""
    SafetyPlan.objects.filter(user=user).delete()
    SafetyMessage.objects.filter(member=user).delete()
    # A moderator's messages stay in the members' conversations, no longer linked to them.
    SafetyMessage.objects.filter(sender=user).update(sender=None)
    ScreeningLabel.objects.filter(author=user).delete()
    RiskAlert.objects.filter(author=user).delete()
    RiskAlert.objects.filter(reporter=user).update(reporter=None, reason="")
    ModeratorDuty.objects.filter(moderator=user).delete()
    ModerationAction.objects.filter(member=user).delete()
    forget_sanctions(user.pk)
    RiskAlert.objects.filter(Q(assigned_to=user)).update(assigned_to=None)
