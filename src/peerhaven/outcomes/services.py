"""Every write of the outcomes capability: check-ins, schedules, reminders, safety screens.

Scoring is never done here: :func:`peerhaven.outcomes.instruments.score` is the one engine.
Errors a person can cause (a disabled instrument, an answer outside the option set, a finished
check-in) raise ``ValidationError`` with a stable ``code``; the API turns that into a 422 and
the pages into a message. A response that is not the caller's raises ``Http404``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peerhaven.accounts import audit
from peerhaven.accounts.local_time import zone_named
from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode
from peerhaven.outcomes import cssrs
from peerhaven.outcomes.instruments import DEFINITIONS_DIR, InstrumentDefinition, get_definition
from peerhaven.outcomes.instruments.scoring import (
    InvalidAnswer,
    read_safety_answer,
    score,
    validate_answers,
)
from peerhaven.outcomes.models import (
    CheckInSchedule,
    InstrumentSetting,
    Response,
    SafetyScreen,
    Source,
)
from peerhaven.safety import gate

#: Reminders and due dates fall at this local time of day in the member's own time zone.
REMINDER_TIME = dt.time(9, 0)
MAX_CADENCE_DAYS = 366
#: Idempotency keys derived for refused submissions sent without one.
REFUSED_KEY_PREFIX = "refused:"
#: Check-ins the web resumes: unfinished and started on the web. An unfinished check-in with an
#: idempotency key holds only the safety answers of a refused API submission; the web never
#: resumes it (it may be days old, and its item 9 describes that moment, not today).
RESUMABLE = Q(status=Response.Status.IN_PROGRESS, idempotency_key="")


# --- instruments ---------------------------------------------------------------------------


@cache
def instrument_ids() -> tuple[str, ...]:
    """Ids of the installed definition files (adding a file and restarting adds one)."""
    return tuple(sorted(path.stem for path in DEFINITIONS_DIR.glob("*.json")))


def definitions() -> dict[str, InstrumentDefinition]:
    return {i: get_definition(i) for i in instrument_ids()}


def definition(instrument_id: str) -> InstrumentDefinition:
    """The definition, or a ValidationError(code="unknown_instrument")."""
    if instrument_id not in instrument_ids():
        raise ValidationError(
            _("There is no questionnaire called “%(id)s”.") % {"id": instrument_id[:64]},
            code="unknown_instrument",
        )
    return get_definition(instrument_id)


def enabled_map() -> dict[str, bool]:
    """Whether each instrument is on: an admin's setting, else the file's default."""
    overrides = dict(InstrumentSetting.objects.values_list("instrument_id", "enabled"))
    return {i: overrides.get(i, d.enabled_by_default) for i, d in definitions().items()}


def is_enabled(instrument_id: str) -> bool:
    return enabled_map().get(instrument_id, False)


def enabled_definition(instrument_id: str) -> InstrumentDefinition:
    """The definition of an instrument members may fill in now; ValidationError otherwise."""
    defn = definition(instrument_id)
    if not is_enabled(instrument_id):
        raise ValidationError(_switched_off(defn), code="instrument_disabled")
    return defn


def _switched_off(defn: InstrumentDefinition) -> str:
    return _("The questionnaire “%(title)s” is switched off at the moment.") % {
        "title": defn.short_title
    }


def set_instrument_enabled(*, instrument_id: str, enabled: bool, actor: User) -> None:
    """Switch an instrument on or off for everyone (programme admins). Audited."""
    definition(instrument_id)
    InstrumentSetting.objects.update_or_create(
        instrument_id=instrument_id,
        defaults={"enabled": enabled, "changed_by": actor, "changed_at": timezone.now()},
    )
    audit.record(
        actor=actor,
        action="outcomes.instrument.enable" if enabled else "outcomes.instrument.disable",
        detail={"instrument": instrument_id},
    )


# --- time ----------------------------------------------------------------------------------


def member_zone(user: User) -> dt.tzinfo:
    """The zone the member's calendar days are counted in (see ``accounts.local_time``).

    No zone means UTC; a name that is not a zone falls back to ``datetime.UTC``, as it always has.
    """
    zone = zone_named(user.time_zone or "UTC")
    return dt.UTC if zone is None else zone


def due_after(moment: dt.datetime, days: int, zone: dt.tzinfo) -> dt.datetime:
    """``days`` calendar days after ``moment`` in the member's zone, at REMINDER_TIME local.

    Counting calendar days in the member's own zone keeps reminders at the same local time of
    day across daylight-saving changes (a 14-day cadence is 14 days ± 1 hour in UTC then).
    """
    local_day = timezone.localtime(moment, zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(local_day, REMINDER_TIME, tzinfo=zone)


# --- check-ins -----------------------------------------------------------------------------


def _own(response: Response, user: User) -> None:
    if response.member_id != user.pk:
        raise Http404


class RefusedSubmissionError(ValidationError):
    """A submission refused because of its answers, its context or a reused key.

    ``bad`` maps each bad field (``instrument``, ``answers.<item id>``, ``context``,
    ``idempotency_key``) to a message naming it. None of the submission is stored as a
    response, with one exception: nothing else wrong with it must hide a positive safety answer
    (the batch importer's rule too), so ``safety_response`` is the unfinished check-in that
    holds the submission's positive safety answers (PHQ-9 item 9 above 0, also when the
    instrument is switched off or the value was sent malformed, as ``"2"``) and opened the
    safety flow, or ``None``.
    """

    def __init__(self, bad: Mapping[str, str], *, safety_response: Response | None) -> None:
        fields = {name.split(".", 1)[0] for name in bad}
        code = (
            "instrument_disabled"
            if "instrument" in fields
            else "invalid_answer"
            if "answers" in fields
            else "invalid_context"
            if "context" in fields
            else "key_reused"
        )
        super().__init__(" ".join(bad.values()), code=code)
        self.bad = dict(bad)
        self.safety_response = safety_response


def _shown(value: object, limit: int = 40) -> str:
    """A submitted value as the client sent it (``"2"`` for a string, ``true``), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_answers(
    defn: InstrumentDefinition, answers: Mapping[str, Any]
) -> tuple[dict[str, int], dict[str, str]]:
    """Every valid answer, and a message for every bad one (not only the first)."""
    clean: dict[str, int] = {}
    bad: dict[str, str] = {}
    for item_id, value in answers.items():
        try:
            clean.update(validate_answers(defn, {item_id: value}))
        except InvalidAnswer as exc:
            name = str(item_id)[:64]
            bad[f"answers.{name}"] = (
                _("“%(item)s” is not a question in this questionnaire.") % {"item": name}
                if not exc.allowed
                else _("The answer %(value)s to “%(item)s” is not one of %(allowed)s.")
                % {
                    "value": _shown(value),
                    "item": name,
                    "allowed": ", ".join(str(v) for v in exc.allowed),
                }
            )
    return clean, bad


def _clean_answers(defn: InstrumentDefinition, answers: Mapping[str, Any]) -> dict[str, int]:
    clean, bad = _check_answers(defn, answers)
    if bad:
        raise ValidationError(" ".join(bad.values()), code="invalid_answer")
    return clean


def _context_for(user: User, instrument_id: str, requested: str) -> str:
    if requested:
        if requested not in Response.Context.values:
            raise ValidationError(_("Unknown check-in context."), code="invalid_context")
        return requested
    return _default_context(user, instrument_id)


def _default_context(user: User, instrument_id: str) -> str:
    completed = Response.objects.filter(
        member=user, instrument_id=instrument_id, status=Response.Status.COMPLETE
    )
    if not completed.exists():
        return Response.Context.BASELINE
    due = CheckInSchedule.objects.filter(
        member=user, instrument_id=instrument_id, active=True, next_due_at__lte=timezone.now()
    )
    return Response.Context.SCHEDULED if due.exists() else Response.Context.SELF


@transaction.atomic
def start_checkin(*, user: User, instrument_id: str, context: str = "") -> Response:
    """Start a check-in, or return the one already in progress for this instrument (resume).

    Only a check-in started on the web is resumed (:data:`RESUMABLE`), never one holding the
    safety answers of a refused API submission. Raises ValidationError for an unknown or
    disabled instrument.
    """
    defn = enabled_definition(instrument_id)
    existing = (
        Response.objects.select_for_update()
        .filter(RESUMABLE, member=user, instrument_id=instrument_id)
        .order_by("-started_at")
        .first()
    )
    if existing is not None:
        return existing
    now = timezone.now()
    return Response.objects.create(
        member=user,
        instrument_id=instrument_id,
        instrument_version=defn.version,
        context=_context_for(user, instrument_id, context),
        started_at=now,
        updated_at=now,
    )


def next_item_id(response: Response) -> str | None:
    """The first unanswered item, in the order of the definition."""
    defn = definition(response.instrument_id)
    return next((i for i in defn.item_ids if i not in response.answers), None)


@transaction.atomic
def answer_item(
    *, response: Response, user: User, item_id: str, value: int, request: Any = None
) -> Response:
    """Save one answer (validated against the definition) to a check-in in progress.

    A safety item answered positively (PHQ-9 item 9 above 0) opens the safety flow at once:
    the safety capability is told at ``ideation`` level and the C-SSRS screener is offered. It
    is told again when the alert for this check-in was resolved since (see
    :func:`_open_safety_flow`).
    """
    _own(response, user)
    if response.is_complete:
        raise ValidationError(_("This check-in is already finished."), code="complete")
    defn = definition(response.instrument_id)
    if value is None:
        raise ValidationError(_("Please choose an answer."), code="required")
    clean = _clean_answers(defn, {item_id: value})
    if not _positive_safety_answers(defn, clean):
        # Switched off meanwhile: refused, except a positive safety answer, which must still
        # reach the safety team (the check-in then cannot be finished until it is back on).
        enabled_definition(defn.id)
    response.answers = {**response.answers, item_id: clean[item_id]}
    response.updated_at = timezone.now()
    response.save(update_fields=["answers", "updated_at"])
    _open_safety_flow(
        response=response,
        defn=defn,
        user=user,
        request=request,
        arriving={item_id: clean[item_id]},
    )
    return response


@transaction.atomic
def complete_checkin(*, response: Response, user: User, request: Any = None) -> Response:
    """Score a check-in whose items are all answered and store the scores. Idempotent."""
    _own(response, user)
    if response.is_complete:
        return response
    defn = enabled_definition(response.instrument_id)
    missing = [i for i in defn.item_ids if i not in response.answers]
    if missing:
        raise ValidationError(
            _("Some questions are not answered yet: %(items)s.") % {"items": ", ".join(missing)},
            code="incomplete",
        )
    _finish(response, defn, timezone.now())
    _open_safety_flow(response=response, defn=defn, user=user, request=request)
    return response


def submit_response(
    *,
    user: User,
    instrument_id: str,
    answers: Mapping[str, Any],
    idempotency_key: str = "",
    context: str = "",
    request: Any = None,
) -> tuple[Response, bool]:
    """Store a complete response in one go (the API). Returns (response, created).

    The same ``idempotency_key`` from the same member with the same answers returns the first
    response unchanged, so a retried submission is a no-op; with other answers it is refused
    (``key_reused``). Answers are validated in full before anything is
    stored; a missing item is allowed and means no total (the engine's rule).

    An instrument switched off, bad answers, an unknown ``context`` or a key already used for
    another instrument raise :class:`RefusedSubmissionError` naming every one. The positive
    safety answers of such a submission (valid ones, and malformed ones read as the client
    meant them, :func:`_safety_readings`) are still kept and open the safety flow
    (:func:`_hold_safety_answers`); that is
    committed although the caller gets an error, so do not call this inside a transaction the
    error rolls back. Good answers later complete the check-in that holds them: under the same
    key, or, sent without a key, when they hold the same positive safety answers on the same
    local day (the key a refused submission without one is filed under, :func:`_refused_key`).
    """
    key = idempotency_key.strip()[:64]
    held: Response | None = None
    existing = Response.objects.filter(member=user, idempotency_key=key).first() if key else None
    defn = definition(instrument_id)
    clean, bad = _check_answers(defn, answers)
    if not is_enabled(defn.id):
        bad = {"instrument": _switched_off(defn), **bad}
    if (
        existing is not None
        and existing.is_complete
        and existing.instrument_id == defn.id
        and not bad
        and clean == existing.answers
    ):
        return existing, False  # a retry of what was stored: a no-op
    if context and context not in Response.Context.values:
        bad["context"] = _("Unknown check-in context.")
    if existing is not None and existing.instrument_id != defn.id:
        bad["idempotency_key"] = _(
            "This idempotency key was already used for another questionnaire."
        )
        key = ""
    elif existing is not None and existing.is_complete:
        # The same key with other answers is another submission, not a retry: returning the
        # first response would drop these answers silently, a positive item 9 among them.
        bad["idempotency_key"] = _(
            "This idempotency key was already used for a different submission."
        )
        key = ""
    elif existing is not None:
        held = existing  # kept from a refused submission with this key
    now = timezone.now()
    if bad:
        safety_response = _hold_safety_answers(
            user=user,
            defn=defn,
            clean={**clean, **_safety_readings(defn, answers, clean)},
            key=key,
            now=now,
            request=request,
        )
        raise RefusedSubmissionError(bad, safety_response=safety_response)
    if held is None and not key:
        held = _held_for_keyless(user=user, defn=defn, clean=clean, now=now)
    if held is not None:
        response, created = _complete_held(
            held, defn=defn, user=user, clean=clean, context=context, now=now, request=request
        )
        # Without a key, one finished meanwhile by another submission is not this one.
        if created or key:
            return response, created
    try:
        with transaction.atomic():
            response = Response.objects.create(
                member=user,
                instrument_id=instrument_id,
                instrument_version=defn.version,
                context=_context_for(user, instrument_id, context),
                answers=clean,
                idempotency_key=key,
                started_at=now,
                updated_at=now,
            )
            _finish(response, defn, now)
            _open_safety_flow(
                response=response, defn=defn, user=user, request=request, arriving=clean
            )
    except IntegrityError:
        # The same key arrived twice at once; the other request stored it.
        existing = Response.objects.filter(member=user, idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    return response, True


def _complete_held(
    held: Response,
    *,
    defn: InstrumentDefinition,
    user: User,
    clean: dict[str, int],
    context: str,
    now: dt.datetime,
    request: Any,
) -> tuple[Response, bool]:
    """Good answers for a refused submission: finish the check-in it left. Returns (response,
    created); ``created`` is false when it was finished meanwhile (a parallel retry).

    Its safety answers were reported already: a positive one among the good answers adds no
    alert while that one is open, and raises a new one when it was resolved since.
    """
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=held.pk)
        if response.is_complete:
            return response, False
        response.answers = clean
        response.context = _context_for(user, defn.id, context)
        _finish(response, defn, now)
        _open_safety_flow(response=response, defn=defn, user=user, request=request, arriving=clean)
    return response, True


def _refused_key(
    user: User, defn: InstrumentDefinition, positive: Mapping[str, int], now: dt.datetime
) -> str:
    """The key a refused submission sent without one is filed under: the instrument, its
    valid positive safety answers and the member's local day.

    Retries of it that day find the same check-in whatever else they carry (another bad
    answer, an extra field), so they add no rows and no alerts; a day later is a new
    check-in and a new alert. The rest of the submission is left out on purpose.
    """
    day = timezone.localtime(now, member_zone(user)).date().isoformat()
    content = json.dumps([defn.id, sorted(positive.items()), day], ensure_ascii=True)
    return REFUSED_KEY_PREFIX + hashlib.sha256(content.encode()).hexdigest()[:56]


def _held_for_keyless(
    *, user: User, defn: InstrumentDefinition, clean: Mapping[str, int], now: dt.datetime
) -> Response | None:
    """The unfinished check-in a refused submission without a key left today with the same
    positive safety answers as ``clean``: the corrected submission completes it instead of
    leaving it behind unfinished."""
    positive = _positive_safety_answers(defn, clean)
    if not positive:
        return None
    return Response.objects.filter(
        member=user,
        instrument_id=defn.id,
        status=Response.Status.IN_PROGRESS,
        idempotency_key=_refused_key(user, defn, positive, now),
    ).first()


def _positive_safety_answers(
    defn: InstrumentDefinition, answers: Mapping[str, int]
) -> dict[str, int]:
    """The answers that hold a ``safety`` flag testing an item (PHQ-9 item 9 above 0)."""
    positive: dict[str, int] = {}
    for flag in defn.flags:
        item_id = flag.when.item
        if flag.kind != "safety" or item_id is None:
            continue
        observed = answers.get(item_id)
        if observed is not None and flag.when.holds(observed):
            positive[item_id] = observed
    return positive


def _safety_readings(
    defn: InstrumentDefinition, answers: Mapping[str, Any], clean: Mapping[str, int]
) -> dict[str, int]:
    """Malformed answers to safety items, read as the client most likely meant them
    (:func:`read_safety_answer`). A refused submission still names them as bad answers; this
    reading only decides whether the safety team hears of them."""
    read: dict[str, int] = {}
    for item_id, raw in answers.items():
        if item_id in clean:
            continue
        value = read_safety_answer(defn, str(item_id), raw)
        if value is not None:
            read[str(item_id)] = value
    return read


def _hold_safety_answers(
    *,
    user: User,
    defn: InstrumentDefinition,
    clean: Mapping[str, int],
    key: str,
    now: dt.datetime,
    request: Any,
) -> Response | None:
    """Keep the valid positive safety answers of a refused submission and open the safety flow.

    Only those answers are stored, in an unfinished check-in under ``key`` (or, without one,
    under :func:`_refused_key`), so the member gets the same safety response as for a stored
    positive item 9: moderators are alerted and the crisis panel and screener are offered. A
    retry finds that check-in and adds no alert while its alert is open; once a moderator
    resolved it, the retry's positive answer raises a new one (:func:`_open_safety_flow`).
    The web never resumes the check-in (:data:`RESUMABLE`). Returns ``None`` when the
    submission has no positive safety answer.
    """
    positive = _positive_safety_answers(defn, clean)
    if not positive:
        return None
    key = key or _refused_key(user, defn, positive, now)
    with transaction.atomic():
        same = Response.objects.select_for_update().filter(member=user, idempotency_key=key)
        held = same.first()
        if held is None:
            try:
                with transaction.atomic():
                    held = Response.objects.create(
                        member=user,
                        instrument_id=defn.id,
                        instrument_version=defn.version,
                        context=_default_context(user, defn.id),
                        answers=positive,
                        idempotency_key=key,
                        started_at=now,
                        updated_at=now,
                    )
            except IntegrityError:  # the same refused submission twice at once
                held = Response.objects.select_for_update().get(member=user, idempotency_key=key)
        elif not held.is_complete:
            held.answers = {**held.answers, **positive}
            held.updated_at = now
            held.save(update_fields=["answers", "updated_at"])
        _open_safety_flow(response=held, defn=defn, user=user, request=request, arriving=positive)
    return held


def _finish(response: Response, defn: InstrumentDefinition, now: dt.datetime) -> None:
    result = score(defn, response.answers)
    response.instrument_version = defn.version
    response.total = result.total
    response.subscales = dict(result.subscales)
    response.band = "" if result.band is None else result.band.id
    response.flags = list(result.flags)
    response.status = Response.Status.COMPLETE
    response.completed_at = now
    response.updated_at = now
    response.save()
    schedule = (
        CheckInSchedule.objects.select_for_update()
        .filter(member_id=response.member_id, instrument_id=response.instrument_id)
        .select_related("member")
        .first()
    )
    if schedule is not None:
        schedule.next_due_at = due_after(now, schedule.cadence_days, member_zone(schedule.member))
        schedule.save(update_fields=["next_due_at"])


def _open_safety_flow(
    *,
    response: Response,
    defn: InstrumentDefinition,
    user: User,
    request: Any,
    arriving: Mapping[str, int] | None = None,
) -> None:
    """Report a positive safety item to the safety capability and offer the C-SSRS screener.

    ``arriving``: the answers that just came in (one web answer, a submission, the safety
    answers of a refused one). The first positive safety answer of a response is reported;
    ``None`` (finishing a check-in) reports only a response never reported. A later positive
    answer is reported again when no alert for the response is open or acknowledged: the
    earlier one was resolved, so this one is news and must reach a moderator. While one is
    open nothing is sent (safety would only merge it into that alert and replace its
    evidence), so retries never alert twice.
    """
    kind, evidence = _safety_evidence(defn, response.answers if arriving is None else arriving)
    if not evidence:
        return
    if response.safety_level == "none":
        response.safety_level = "ideation"
        response.safety_evidence = evidence
        response.save(update_fields=["safety_level", "safety_evidence"])
    elif arriving is None or _alert_open_for(response):
        return
    SafetyScreen.objects.get_or_create(response=response, defaults={"member": user})
    gate.report_outcome(
        outcome=gate.GateOutcome(level="ideation", evidence=evidence),
        author=user,
        kind=kind,
        obj=response,
        url=reverse("outcomes:screener", args=[response.pk]),
        request=request,
    )


def _safety_evidence(
    defn: InstrumentDefinition, answers: Mapping[str, int]
) -> tuple[str, list[dict[str, Any]]]:
    """The alert kind and evidence for the positive safety answers among ``answers``."""
    evidence: list[dict[str, Any]] = []
    kind = ""
    for item_id, observed in _positive_safety_answers(defn, answers).items():
        position = defn.item_ids.index(item_id) + 1
        kind = kind or f"outcomes.{defn.id}_item{position}"
        flag = next(f for f in defn.flags if f.kind == "safety" and f.when.item == item_id)
        evidence.append(
            {
                "rule": f"{defn.id}.item{position}",
                "flag": flag.id,
                "item": item_id,
                "value": observed,
            }
        )
    return kind, evidence


def _alert_open_for(response: Response) -> bool:
    """Whether the safety team has an open or acknowledged alert about this response (the
    alerts ``safety.services.raise_alert`` merges a new report into)."""
    from django.contrib.contenttypes.models import ContentType

    from peerhaven.safety.models import AlertStatus, RiskAlert

    return RiskAlert.objects.filter(
        content_type=ContentType.objects.get_for_model(Response),
        object_id=str(response.pk),
        status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
    ).exists()


# --- the C-SSRS screener -------------------------------------------------------------------


@transaction.atomic
def answer_screener(
    *, screen: SafetyScreen, user: User, question_id: str, answer: bool, request: Any = None
) -> SafetyScreen:
    """Save one screener answer; intent, a plan or recent behaviour raises ``imminent`` at once."""
    if screen.member_id != user.pk:
        raise Http404
    if question_id not in cssrs.BY_ID or not cssrs.applicable(question_id, screen.answers):
        raise ValidationError(_("That question does not apply."), code="invalid_question")
    answers = {**screen.answers, question_id: bool(answer)}
    # Changing an earlier "yes" to "no" drops the follow-up answers that no longer apply.
    answers = {k: v for k, v in answers.items() if cssrs.applicable(k, answers)}
    screen.answers = answers
    screen.level = cssrs.level_for(answers)
    if cssrs.next_question(answers) is None:
        screen.status = SafetyScreen.Status.COMPLETE
        screen.completed_at = timezone.now()
    else:
        screen.status = SafetyScreen.Status.IN_PROGRESS
    screen.save()
    response = Response.objects.select_for_update().get(pk=screen.response_id)
    if screen.level == "imminent" and response.safety_level != "imminent":
        evidence = cssrs.evidence(answers)
        response.safety_level = "imminent"
        response.safety_evidence = [*response.safety_evidence, *evidence]
        response.save(update_fields=["safety_level", "safety_evidence"])
        gate.report_outcome(
            outcome=gate.GateOutcome(level="imminent", evidence=evidence),
            author=user,
            kind="outcomes.cssrs",
            obj=response,
            url=reverse("outcomes:screener", args=[response.pk]),
            request=request,
        )
    return screen


def decline_screener(*, screen: SafetyScreen, user: User) -> SafetyScreen:
    """ "Not now": the check-in carries on; the ideation alert already sent stays."""
    if screen.member_id != user.pk:
        raise Http404
    if screen.status == SafetyScreen.Status.IN_PROGRESS:
        screen.status = SafetyScreen.Status.DECLINED
        screen.save(update_fields=["status"])
    return screen


# --- schedules and reminders ---------------------------------------------------------------


@transaction.atomic
def schedule_checkins(
    *,
    user: User,
    instrument_ids: Iterable[str],
    cadence_days: int,
    source: str,
    now: dt.datetime | None = None,
) -> list[CheckInSchedule]:
    """Ask ``user`` for a baseline now (if they have none) and then every ``cadence_days``.

    Called by groups, mentoring and programmes when someone joins. One schedule per member and
    instrument: a second caller with a shorter cadence shortens it, a longer one changes
    nothing, so joining two groups never doubles the reminders. Reactivates a stopped schedule.
    """
    if not 1 <= int(cadence_days) <= MAX_CADENCE_DAYS:
        raise ValidationError(
            _("The cadence must be between 1 and %(max)s days.") % {"max": MAX_CADENCE_DAYS},
            code="invalid_cadence",
        )
    if source not in Source.values:
        raise ValidationError(_("Unknown schedule source."), code="invalid_source")
    now = now or timezone.now()
    zone = member_zone(user)
    schedules: list[CheckInSchedule] = []
    for instrument_id in dict.fromkeys(instrument_ids):
        definition(instrument_id)
        last = (
            Response.objects.filter(
                member=user, instrument_id=instrument_id, status=Response.Status.COMPLETE
            )
            .order_by("-completed_at")
            .values_list("completed_at", flat=True)
            .first()
        )
        due = now if last is None else due_after(last, cadence_days, zone)
        schedule = (
            CheckInSchedule.objects.select_for_update()
            .filter(member=user, instrument_id=instrument_id)
            .first()
        )
        if schedule is None:
            schedule = CheckInSchedule.objects.create(
                member=user,
                instrument_id=instrument_id,
                cadence_days=cadence_days,
                source=source,
                next_due_at=due,
                created_at=now,
            )
        else:
            if cadence_days < schedule.cadence_days or not schedule.active:
                if cadence_days < schedule.cadence_days:
                    schedule.cadence_days = cadence_days
                    schedule.source = source
                schedule.next_due_at = min(schedule.next_due_at, due) if schedule.active else due
                schedule.active = True
                schedule.save(update_fields=["cadence_days", "source", "next_due_at", "active"])
        schedules.append(schedule)
    return schedules


def skip_checkin(
    *, schedule: CheckInSchedule, user: User, now: dt.datetime | None = None
) -> CheckInSchedule:
    """Skip this one: no questions, and the next ask is one cadence from now."""
    if schedule.member_id != user.pk:
        raise Http404
    now = now or timezone.now()
    schedule.next_due_at = due_after(now, schedule.cadence_days, member_zone(user))
    schedule.save(update_fields=["next_due_at"])
    return schedule


def stop_checkins(*, schedule: CheckInSchedule, user: User) -> CheckInSchedule:
    """No more reminders for this instrument (the member can still check in on their own)."""
    if schedule.member_id != user.pk:
        raise Http404
    schedule.active = False
    schedule.save(update_fields=["active"])
    return schedule


def reminder_allowed(schedule: CheckInSchedule, now: dt.datetime) -> bool:
    """Due, and no reminder within the last cadence (counted in the member's calendar days)."""
    if not schedule.active or schedule.next_due_at > now:
        return False
    if schedule.last_reminded_at is None:
        return True
    zone = member_zone(schedule.member)
    return due_after(schedule.last_reminded_at, schedule.cadence_days, zone) <= now


def send_checkin_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind members whose check-ins are due; at most once per cadence each. Returns the count.

    Run hourly by the job queue (``outcomes.tasks``). Disabled instruments are not reminded.
    """
    from peerhaven.notifications.services import notify

    now = now or timezone.now()
    enabled = [i for i, on in enabled_map().items() if on]
    due = (
        CheckInSchedule.objects.filter(
            active=True, next_due_at__lte=now, instrument_id__in=enabled, member__is_active=True
        )
        .select_related("member")
        .order_by("pk")
    )
    sent = 0
    for schedule in due.iterator(chunk_size=500):
        if not reminder_allowed(schedule, now):
            continue
        with transaction.atomic():
            claimed = CheckInSchedule.objects.filter(
                pk=schedule.pk, last_reminded_at=schedule.last_reminded_at
            ).update(last_reminded_at=now, reminders_sent=schedule.reminders_sent + 1)
            if not claimed:  # another worker sent it
                continue
            member = schedule.member
            defn = get_definition(schedule.instrument_id)
            with translation.override(member.language or None):
                notify(
                    recipient=member,
                    kind="checkin",
                    title=_("Time for a check-in: %(title)s") % {"title": defn.short_title},
                    body=_(
                        "It takes a couple of minutes and only you can see your answers. "
                        "Skipping is fine: we will not ask again for %(days)s days."
                    )
                    % {"days": schedule.cadence_days},
                    url=reverse("outcomes:start", args=[schedule.instrument_id]),
                )
        sent += 1
    return sent


# --- personal data -------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_outcomes(user: User) -> dict[str, Any]:
    return {
        "responses": [
            {
                "instrument": r.instrument_id,
                "version": r.instrument_version,
                "context": r.context,
                "status": r.status,
                "answers": r.answers,
                "started_at": _iso(r.started_at),
                "completed_at": _iso(r.completed_at),
                **r.score_dict(),
                "safety_level": r.safety_level,
                "safety_screen": (
                    {"answers": s.answers, "level": s.level, "status": s.status}
                    if (s := getattr(r, "safety_screen", None)) is not None
                    else None
                ),
            }
            for r in Response.objects.filter(member=user)
            .select_related("safety_screen")
            .order_by("started_at")
        ],
        "schedules": [
            {
                "instrument": s.instrument_id,
                "cadence_days": s.cadence_days,
                "source": s.source,
                "next_due_at": _iso(s.next_due_at),
                "active": s.active,
            }
            for s in CheckInSchedule.objects.filter(member=user)
        ],
    }


def erase_outcomes(user: User, mode: EraseMode) -> None:
    """Health answers are removed in both modes: nobody else ever saw them."""
    SafetyScreen.objects.filter(member=user).delete()
    Response.objects.filter(member=user).delete()
    CheckInSchedule.objects.filter(member=user).delete()
    InstrumentSetting.objects.filter(changed_by=user).update(changed_by=None)


def schedule_checkins_safely(
    *, user: User, instrument_ids: Iterable[str], cadence_days: int, source: str
) -> None:
    """``schedule_checkins`` for callers whose own write must not fail because of it (joining a
    group, a mentorship or a programme): runs in a savepoint; a failure is logged."""
    try:
        with transaction.atomic():
            schedule_checkins(
                user=user, instrument_ids=instrument_ids, cadence_days=cadence_days, source=source
            )
    except Exception:
        logging.getLogger(__name__).exception("Could not schedule check-ins (%s)", source)
