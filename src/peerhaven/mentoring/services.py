"""Every write in mentoring, as keyword-only verbs.

Errors are ``ValidationError`` with a stable ``code`` (views and the API map codes to statuses,
see ``STATUS_BY_CODE``). Text is screened by ``peerhaven.safety.gate`` before it is stored.
Scoring is never done here: the matching engine in ``matching/`` does it, from dataclasses
built by ``build_mentor_profiles`` / ``build_intake``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts import audit
from peerhaven.accounts.models import Role, RoleAssignment, User
from peerhaven.accounts.ratelimit import hit
from peerhaven.forums.models import Block
from peerhaven.mentoring import live, matching, permissions
from peerhaven.mentoring.matching.availability import validate_time_zone, validate_window
from peerhaven.mentoring.models import (
    OPEN_STATUSES,
    AgeBand,
    CaseloadEntry,
    CohortRun,
    DirectMessage,
    ExitReason,
    ExperienceTag,
    Goal,
    GoalStep,
    MenteeIntake,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    MentorshipStatus,
    MentorWellbeingCheckIn,
    RequestStatus,
    ServiceDelivery,
    ServiceOutcome,
    ServiceType,
    SessionLog,
    Supervision,
    SupervisionSession,
    TrainingRecord,
)
from peerhaven.notifications.services import notify
from peerhaven.safety.gate import GateOutcome, report_outcome, screen_user_text
from peerhaven.safety.permissions import check_post
from peerhaven.safety.sanctions import BAN, MUTE, banned_now
from peerhaven.safety.sockets import standing_changed
from peerhaven.web.inputs import check_storable

logger = logging.getLogger(__name__)

# Error codes that are a refusal of another kind than "fix the form" (422).
STATUS_BY_CODE = {
    "duplicate": 409,
    "already_answered": 409,
    "already_confirmed": 409,
    "pending_exists": 409,
    "has_mentor": 409,
    "rate_limited": 429,
}

MAX_MESSAGE = 4000
MAX_TEXT = 2000
MESSAGES_PER_MINUTE = 20
INDEX_VERSION_KEY = "mentoring:index-version"


def request_expiry() -> dt.timedelta:
    """How long a mentor has to answer (``MENTORING_REQUEST_EXPIRY_HOURS``, default 72)."""
    return dt.timedelta(hours=float(getattr(settings, "MENTORING_REQUEST_EXPIRY_HOURS", 72)))


def status_for(exc: ValidationError) -> int:
    codes = {getattr(e, "code", None) for e in getattr(exc, "error_list", [])}
    for code, status in STATUS_BY_CODE.items():
        if code in codes:
            return status
    return 422


def error_code(exc: ValidationError) -> str:
    for e in getattr(exc, "error_list", []):
        if getattr(e, "code", None):
            return str(e.code)
    return "invalid"


# --- Small helpers --------------------------------------------------------------------------------


def _screen(text: str, kind: str, author: User) -> GateOutcome:
    return screen_user_text(text=text, kind=kind, author=author)


def _apply(obj: Any, outcome: GateOutcome) -> None:
    obj.risk_level = outcome.level
    obj.risk_evidence = outcome.evidence


def _clean(text: str | None, *, limit: int = MAX_TEXT, field: str = "") -> str:
    value = (text or "").strip()
    check_storable(value)
    if len(value) > limit:
        raise ValidationError(
            _("Please keep this under %(n)s characters.") % {"n": f"{limit:,}"}, code="too_long"
        )
    return value


def bump_index_version() -> None:
    """Tell every process that cached mentor inputs are stale (profiles, loads, training)."""
    try:
        cache.incr(INDEX_VERSION_KEY)
    except ValueError:
        cache.set(INDEX_VERSION_KEY, 1, timeout=None)


def _on_commit_bump() -> None:
    transaction.on_commit(bump_index_version)


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(
    r"^(?P<day>[a-z]{3})[a-z]*\s+(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*[-–]\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})$"
)


def parse_availability(text: str) -> list[list[int]]:
    """``"Mon 18:00-20:00; Wed 19:30-21:00"`` → ``[[0, 1080, 1200], [2, 1170, 1260]]``.

    An end at or before the start runs past midnight (as in the matching engine).
    """
    windows: list[list[int]] = []
    for raw in re.split(r"[;\n,]+", text or ""):
        part = raw.strip().lower()
        if not part:
            continue
        match = _WINDOW.match(part)
        if match is None or match["day"] not in DAYS:
            raise ValidationError(
                _("“%(part)s” is not a time we understand. Write it like “Mon 18:00-20:00”.")
                % {"part": raw.strip()},
                code="bad_availability",
            )
        h1, m1, h2, m2 = (int(match[k]) for k in ("h1", "m1", "h2", "m2"))
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ValidationError(
                _("“%(part)s” has an hour or minute out of range.") % {"part": raw.strip()},
                code="bad_availability",
            )
        start, end = h1 * 60 + m1, (h2 * 60 + m2) % 1440
        windows.append([DAYS.index(match["day"]), start, end])
    return windows


def format_availability(windows: Iterable[Sequence[int]]) -> str:
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return "; ".join(
        f"{names[d]} {s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for d, s, e in windows
    )


# A week has room for a few windows a day. Thousands of tiny windows from one profile would
# cut every mentor's week into ~10,080 segments and make the shared index hundreds of MB.
MAX_WINDOWS = 56


def _validate_windows(windows: Iterable[Sequence[int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for window in windows:
        if len(out) >= MAX_WINDOWS:
            raise ValidationError(
                _("Please give at most %(n)s free times a week.") % {"n": MAX_WINDOWS},
                code="too_many_windows",
            )
        try:
            d, s, e = (int(v) for v in window)
            validate_window((d, s, e))
        except (TypeError, ValueError):
            raise ValidationError(
                _("An availability window must be [weekday 0–6, start minute, end minute]."),
                code="bad_availability",
            ) from None
        out.append([d, s, e])
    return out


def _validate_zone(zone: str) -> str:
    try:
        validate_time_zone(zone)
    except ValueError:
        raise ValidationError(
            _("Choose a time zone from the list."), code="bad_time_zone"
        ) from None
    return zone


def _languages(values: Iterable[str]) -> list[str]:
    values = list(values)
    check_storable(*values)
    return sorted({v.strip().lower() for v in values if v and v.strip()})


# --- Building the matching engine's inputs --------------------------------------------------------


def _current_training() -> Exists:
    return Exists(
        TrainingRecord.objects.filter(
            mentor_id=OuterRef("user_id"), expires_on__gte=timezone.localdate()
        )
    )


def mentor_queryset() -> QuerySet[MentorProfile]:
    """Profiles of peer supporters with their load and training state, tags prefetched."""
    return (
        MentorProfile.objects.filter(
            user__is_active=True, user__role_assignments__role=Role.PEER_SUPPORTER
        )
        .annotate(
            current_load=Count(
                "user__mentorships_as_mentor",
                filter=Q(user__mentorships_as_mentor__status__in=OPEN_STATUSES),
                distinct=True,
            ),
            training_current=_current_training(),
        )
        .prefetch_related("tags")
    )


def to_mentor_input(profile: Any) -> matching.MentorProfile:
    return matching.MentorProfile(
        id=profile.user_id,
        experience_tags={t.label for t in profile.tags.all()},
        languages=set(profile.languages),
        time_zone=profile.time_zone,
        availability=[tuple(w) for w in profile.availability],
        capacity=profile.capacity,
        current_load=int(profile.current_load),
        training_current=bool(profile.training_current),
        paused=profile.paused,
        gender=profile.gender or None,
        age_band=profile.age_band or None,
    )


def build_mentor_profiles(user_ids: Iterable[int] | None = None) -> list[matching.MentorProfile]:
    """Every active peer supporter's matching input, in four flat queries (no model rows):
    profiles, open-mentorship counts, current training, tags. ~10x faster than the annotated
    queryset on 5,000 mentors (see bench/bench_mentoring.py)."""
    profiles = MentorProfile.objects.filter(
        user__is_active=True,
        user_id__in=RoleAssignment.objects.filter(role=Role.PEER_SUPPORTER).values("user_id"),
    )
    if user_ids is not None:
        profiles = profiles.filter(user_id__in=list(user_ids))
    rows = list(
        profiles.order_by("user_id").values_list(
            "pk",
            "user_id",
            "languages",
            "time_zone",
            "availability",
            "capacity",
            "gender",
            "age_band",
            "paused",
        )
    )
    ids = [r[1] for r in rows]
    wanted = None if user_ids is None else ids
    open_ms = Mentorship.objects.filter(status__in=OPEN_STATUSES)
    trained = TrainingRecord.objects.filter(expires_on__gte=timezone.localdate())
    through = MentorProfile.tags.through.objects.all()
    if wanted is not None:
        open_ms = open_ms.filter(mentor_id__in=wanted)
        trained = trained.filter(mentor_id__in=wanted)
        through = through.filter(mentorprofile__user_id__in=wanted)
    loads = dict(
        open_ms.order_by().values("mentor_id").annotate(n=Count("pk")).values_list("mentor_id", "n")
    )
    current = set(trained.values_list("mentor_id", flat=True))
    tags: dict[int, set[str]] = {}
    for profile_id, label in through.values_list("mentorprofile_id", "experiencetag__label"):
        tags.setdefault(profile_id, set()).add(label)
    return [
        matching.MentorProfile(
            id=user_id,
            experience_tags=tags.get(pk, set()),
            languages=set(languages),
            time_zone=time_zone,
            availability=[tuple(w) for w in availability],
            capacity=capacity,
            current_load=int(loads.get(user_id, 0)),
            training_current=user_id in current,
            paused=paused,
            gender=gender or None,
            age_band=age_band or None,
        )
        for (
            pk,
            user_id,
            languages,
            time_zone,
            availability,
            capacity,
            gender,
            age_band,
            paused,
        ) in (rows)
    ]


_index_cache: dict[str, Any] = {}


def mentor_index(*, use_cache: bool = True) -> matching.MentorIndex:
    """All mentors as a ``MentorIndex``, cached per process until a mentoring write bumps the
    shared version (profile, training, load changes) or the day changes (training expiry)."""
    version = (cache.get(INDEX_VERSION_KEY, 0), timezone.localdate().isoformat())
    if use_cache and _index_cache.get("version") == version:
        cached: matching.MentorIndex = _index_cache["index"]
        return cached
    index = matching.MentorIndex(build_mentor_profiles())
    if use_cache:
        _index_cache.update(version=version, index=index)
    return index


def blocked_between(user_id: int) -> set[int]:
    """People ``user_id`` blocked or was blocked by (who blocked whom is not revealed)."""
    rows = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {b if a == user_id else a for a, b in rows}


def banned_ids(user_ids: Iterable[int] | None = None, *, as_mentor: bool = False) -> set[int]:
    """People under a ban in force now (with ``as_mentor``, a mute too). A ban takes someone
    out of the community, so they are never suggested, requested or matched; a mentor under a
    mute cannot write to a mentee (``send_message``), so is not offered as a mentor either,
    while a muted mentee keeps their mentor (sanctions do not bump the index version: checked
    live)."""
    rows = banned_now(kinds=(BAN, MUTE) if as_mentor else (BAN,))
    if user_ids is not None:
        rows = rows.filter(member_id__in=list(user_ids))
    return set(rows.values_list("member_id", flat=True))


def _already_tried(member_id: int) -> set[int]:
    """Mentors this member has an open mentorship or an unanswered, declined or lapsed request
    with in the last 30 days: the next suggestion moves on to someone else."""
    since = timezone.now() - dt.timedelta(days=30)
    tried = set(
        MentorshipRequest.objects.filter(mentee_id=member_id, created_at__gte=since)
        .exclude(status=RequestStatus.WITHDRAWN)
        .values_list("mentor_id", flat=True)
    )
    tried |= set(
        Mentorship.objects.filter(mentee_id=member_id, status__in=OPEN_STATUSES).values_list(
            "mentor_id", flat=True
        )
    )
    return tried


def to_intake_input(intake: MenteeIntake, *, exclude: Iterable[int] = ()) -> matching.MenteeIntake:
    tags = [t.label for t in intake.tags.all()]
    priority = [t.label for t in intake.priority_tags.all()]
    return matching.MenteeIntake(
        id=intake.member_id,
        tags_wanted=set(tags),
        languages=set(intake.languages),
        time_zone=intake.time_zone,
        availability=[tuple(w) for w in intake.availability],
        preferences=matching.MatchPreferences(
            shared_experiences=set(priority),
            preferred_languages=set(intake.preferred_languages),
            preferred_gender=intake.preferred_gender or None,
            preferred_age_band=intake.preferred_age_band or None,
        ),
        blocked_mentor_ids=blocked_between(intake.member_id) | set(exclude),
    )


def _intake_for(member: User) -> MenteeIntake:
    intake = (
        MenteeIntake.objects.filter(member=member).prefetch_related("tags", "priority_tags").first()
    )
    if intake is None:
        raise ValidationError(
            _("Please tell us a little about what you are looking for first."), code="no_intake"
        )
    return intake


@dataclass(frozen=True)
class Suggestion:
    mentor: User
    profile: MentorProfile
    explanation: matching.MatchExplanation


def suggest_for(
    *, member: User, k: int = 3, exclude: Iterable[int] = (), use_cache: bool = True
) -> list[Suggestion]:
    """The top ``k`` eligible mentors for ``member`` with explanations (needs an intake)."""
    intake = _intake_for(member)
    mentee = to_intake_input(
        intake, exclude=set(exclude) | _already_tried(member.pk) | banned_ids(as_mentor=True)
    )
    explanations = matching.suggest_mentors(mentee, mentor_index(use_cache=use_cache), k=k)
    profiles = {
        p.user_id: p
        for p in MentorProfile.objects.filter(user_id__in=[e.mentor_id for e in explanations])
        .select_related("user")
        .prefetch_related("tags")
    }
    return [
        Suggestion(mentor=profiles[e.mentor_id].user, profile=profiles[e.mentor_id], explanation=e)
        for e in explanations
        if e.mentor_id in profiles
    ]


def explanation_dict(explanation: matching.MatchExplanation) -> dict[str, Any]:
    return {
        "score": round(explanation.score, 4),
        "eligible": explanation.eligible,
        "reasons_ineligible": list(explanation.reasons_ineligible),
        "components": [
            {
                "name": c.name,
                "value": round(c.value, 4),
                "weight": round(c.weight, 4),
                "contribution": round(c.contribution, 4),
                "explanation": c.explanation,
            }
            for c in explanation.components
        ],
    }


# --- Profiles, training, supervision, wellbeing ---------------------------------------------------


def save_mentor_profile(
    *,
    user: User,
    tags: Iterable[ExperienceTag],
    languages: Iterable[str],
    time_zone: str,
    availability: Iterable[Sequence[int]],
    capacity: int,
    gender: str = "",
    age_band: str = "",
    story: str = "",
    request: Any = None,
) -> MentorProfile:
    """Create or update ``user``'s mentor profile. Only peer supporters; the story is screened."""
    if not permissions.can_mentor(user):
        raise PermissionDenied
    langs = _languages(languages)
    if not langs:
        raise ValidationError(_("Choose at least one language."), code="no_language")
    if not 0 <= int(capacity) <= 10:
        raise ValidationError(_("Capacity must be between 0 and 10 people."), code="bad_capacity")
    if age_band and age_band not in AgeBand.values:
        raise ValidationError(_("Choose an age band from the list."), code="bad_age_band")
    story = _clean(story, limit=1500)
    check_storable(gender)
    windows = _validate_windows(availability)
    _validate_zone(time_zone)
    if story != MentorProfile.objects.filter(user=user).values_list("story", flat=True).first():
        # The story is public text every mentee reads: a muted mentor may still change
        # availability or capacity, but not publish new words.
        check_post(user)
    outcome = _screen(story, "mentoring.story", user)
    with transaction.atomic():
        profile, _created = MentorProfile.objects.get_or_create(user=user)
        profile.languages = langs
        profile.time_zone = time_zone
        profile.availability = windows
        profile.capacity = int(capacity)
        profile.gender = (gender or "").strip()[:40]
        profile.age_band = age_band
        profile.story = story
        profile.updated_at = timezone.now()
        _apply(profile, outcome)
        profile.save()
        profile.tags.set(list(tags))
        report_outcome(
            outcome=outcome,
            author=user,
            kind="mentoring.story",
            obj=profile,
            url=reverse("mentoring:mentor_profile"),
            request=request,
        )
        _on_commit_bump()
    return profile


def set_paused(*, user: User, paused: bool) -> MentorProfile:
    """A mentor pauses (or resumes) taking new mentees; current mentorships go on."""
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is None:
        raise ValidationError(_("You have no mentor profile yet."), code="no_profile")
    profile.paused = paused
    profile.updated_at = timezone.now()
    profile.save(update_fields=["paused", "updated_at"])
    _on_commit_bump()
    return profile


def add_training_record(
    *,
    mentor: User,
    course: str,
    completed_on: dt.date,
    trainer: str,
    expires_on: dt.date,
    actor: User,
    request: Any = None,
) -> TrainingRecord:
    permissions.check_administer(actor)
    course, trainer = _clean(course, limit=120), _clean(trainer, limit=120)
    if not course or not trainer:
        raise ValidationError(_("Give the course and the trainer."), code="required")
    if expires_on <= completed_on:
        raise ValidationError(
            _("The expiry date must be after the completion date."), code="bad_dates"
        )
    record = TrainingRecord.objects.create(
        mentor=mentor,
        course=course,
        completed_on=completed_on,
        trainer=trainer,
        expires_on=expires_on,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="mentoring.training.add",
        subject=mentor,
        obj=record,
        detail={"record": record.pk},
        request=request,
    )
    _on_commit_bump()
    return record


@transaction.atomic
def assign_supervisor(
    *, mentor: User, supervisor: User, actor: User, request: Any = None
) -> Supervision:
    permissions.check_administer(actor)
    if mentor.pk == supervisor.pk:
        raise ValidationError(_("A mentor cannot supervise themself."), code="self")
    now = timezone.now()
    Supervision.objects.filter(mentor=mentor, ended_at__isnull=True).update(ended_at=now)
    supervision = Supervision.objects.create(mentor=mentor, supervisor=supervisor, started_at=now)
    audit.record(
        actor=actor,
        action="mentoring.supervision.assign",
        subject=mentor,
        obj=supervision,
        detail={"supervisor": supervisor.pk},
        request=request,
    )
    return supervision


def log_supervision_session(
    *,
    supervision: Supervision,
    supervisor: User,
    held_on: dt.date,
    duration_minutes: int,
    notes: str = "",
) -> SupervisionSession:
    if supervision.supervisor_id != supervisor.pk or supervision.ended_at is not None:
        raise PermissionDenied
    _check_duration(duration_minutes)
    notes = _clean(notes)
    outcome = _screen(notes, "mentoring.supervision", supervisor)
    with transaction.atomic():
        session = SupervisionSession(
            supervision=supervision,
            held_on=held_on,
            duration_minutes=duration_minutes,
            notes=notes,
        )
        _apply(session, outcome)
        session.save()
        report_outcome(
            outcome=outcome, author=supervisor, kind="mentoring.supervision", obj=session
        )
    return session


def record_wellbeing(*, mentor: User, feeling: int, note: str = "") -> MentorWellbeingCheckIn:
    """The mentor's own check-in. Feeling depleted suggests pausing; it never pauses for them."""
    if not permissions.can_mentor(mentor):
        raise PermissionDenied
    if feeling not in MentorWellbeingCheckIn.Feeling.values:
        raise ValidationError(_("Choose how you are feeling."), code="bad_feeling")
    note = _clean(note)
    outcome = _screen(note, "mentoring.wellbeing", mentor)
    with transaction.atomic():
        checkin = MentorWellbeingCheckIn(mentor=mentor, feeling=feeling, note=note)
        _apply(checkin, outcome)
        checkin.save()
        report_outcome(
            outcome=outcome,
            author=mentor,
            kind="mentoring.wellbeing",
            obj=checkin,
            url=reverse("mentoring:mentor_profile"),
        )
    return checkin


# --- Intake ---------------------------------------------------------------------------------------


def save_intake(
    *,
    member: User,
    support_text: str,
    tags: Iterable[ExperienceTag],
    priority_tags: Iterable[ExperienceTag] = (),
    languages: Iterable[str],
    preferred_languages: Iterable[str] = (),
    preferred_gender: str = "",
    preferred_age_band: str = "",
    time_zone: str,
    availability: Iterable[Sequence[int]],
    request: Any = None,
) -> MenteeIntake:
    """Create or update the member's intake. ``support_text`` is screened."""
    langs = _languages(languages)
    if not langs:
        raise ValidationError(_("Choose at least one language you speak."), code="no_language")
    if preferred_age_band and preferred_age_band not in AgeBand.values:
        raise ValidationError(_("Choose an age band from the list."), code="bad_age_band")
    text = _clean(support_text)
    check_storable(preferred_gender)
    windows = _validate_windows(availability)
    _validate_zone(time_zone)
    outcome = _screen(text, "mentoring.intake", member)
    tags, priority_tags = list(tags), list(priority_tags)
    with transaction.atomic():
        intake, _created = MenteeIntake.objects.get_or_create(member=member)
        intake.support_text = text
        intake.languages = langs
        intake.preferred_languages = _languages(preferred_languages)
        intake.preferred_gender = (preferred_gender or "").strip()[:40]
        intake.preferred_age_band = preferred_age_band
        intake.time_zone = time_zone
        intake.availability = windows
        intake.updated_at = timezone.now()
        _apply(intake, outcome)
        intake.save()
        intake.tags.set(tags)
        intake.priority_tags.set(priority_tags)
        report_outcome(
            outcome=outcome,
            author=member,
            kind="mentoring.intake",
            obj=intake,
            url=reverse("mentoring:intake"),
            request=request,
        )
    return intake


# --- Requests -------------------------------------------------------------------------------------


def _ineligible_error(
    mentee: matching.MenteeIntake, mentor: matching.MentorProfile
) -> ValidationError:
    """Say which rule stops the request. The engine decided *that* the pair is ineligible;
    this only picks the message from the same plain inputs (never from the engine's text,
    which may be translated one day)."""
    if mentor.free_places <= 0:
        return ValidationError(
            _("This mentor has no free place right now. Please choose another."),
            code="at_capacity",
        )
    if not mentor.training_current:
        return ValidationError(
            _("This mentor's training is not current, so they cannot take new mentees."),
            code="training_expired",
        )
    if mentor.paused:
        return ValidationError(_("This mentor has paused taking new mentees."), code="paused")
    if not (mentee.languages & mentor.languages):
        return ValidationError(
            _("You do not share a language with this mentor."), code="no_shared_language"
        )
    # A block (either way) or anything else: who blocked whom is never said.
    return ValidationError(
        _("This mentor cannot be requested. Please choose another."), code="ineligible"
    )


def _lock_mentor(mentor: User) -> matching.MentorProfile:
    """Lock the mentor's profile row (serialises capacity checks) and build its input."""
    locked = MentorProfile.objects.select_for_update().filter(user=mentor).first()
    if locked is None or not permissions.can_mentor(mentor):
        raise ValidationError(_("This person is not taking mentees."), code="not_a_mentor")
    profile = mentor_queryset().filter(pk=locked.pk).first()
    if profile is None:
        raise ValidationError(_("This person is not taking mentees."), code="not_a_mentor")
    return to_mentor_input(profile)


def _notify_after_commit(**kwargs: Any) -> None:
    transaction.on_commit(partial(notify, **kwargs))


def request_mentor(
    *, mentee: User, mentor: User, now: dt.datetime | None = None
) -> MentorshipRequest:
    """Ask ``mentor`` to mentor ``mentee``. Hard constraints are checked by the engine.

    Refused: self-mentoring, a duplicate or second open request, a mentor at capacity, with
    expired training, paused, blocked, or without a shared language. Notifies the mentor.
    """
    if not hit("mentoring.request", str(mentee.pk), limit=10, window=3600):
        raise ValidationError(
            _("You have sent many requests in the last hour. Please try again later."),
            code="rate",
        )
    if mentee.pk == mentor.pk:
        raise ValidationError(_("You cannot be your own mentor."), code="self")
    now = now or timezone.now()
    with transaction.atomic():
        pending = MentorshipRequest.objects.filter(
            mentee=mentee, status=RequestStatus.PENDING
        ).first()
        if pending is not None and is_blocked(pending.mentee_id, pending.mentor_id):
            # A block since the request: it can never be accepted, so it must not hold the
            # mentee's one open request until it lapses.
            pending.status, pending.responded_at = RequestStatus.WITHDRAWN, now
            pending.save(update_fields=["status", "responded_at"])
            pending = None
        if pending is not None:
            if pending.mentor_id == mentor.pk:
                raise ValidationError(
                    _("You have already asked this mentor; they have not answered yet."),
                    code="duplicate",
                )
            raise ValidationError(
                _("You already have a request waiting for an answer. Withdraw it first."),
                code="pending_exists",
            )
        current = Mentorship.objects.filter(mentee=mentee, status__in=OPEN_STATUSES).first()
        if current is not None:
            if current.mentor_id == mentor.pk:
                raise ValidationError(_("This person is already your mentor."), code="duplicate")
            raise ValidationError(
                _("You already have a mentor. End that mentorship first to ask someone new."),
                code="has_mentor",
            )
        intake = _intake_for(mentee)
        mentor_input = _lock_mentor(mentor)
        mentee_input = to_intake_input(intake)
        explanation = matching.score_match(mentee_input, mentor_input)
        if not explanation.eligible:
            raise _ineligible_error(mentee_input, mentor_input)
        if banned_ids([mentor.pk], as_mentor=True):
            raise ValidationError(
                _("This mentor cannot be requested. Please choose another."), code="ineligible"
            )
        req = MentorshipRequest.objects.create(
            mentee=mentee,
            mentor=mentor,
            score=explanation.score,
            explanation=explanation_dict(explanation),
            created_at=now,
            expires_at=now + request_expiry(),
        )
        _notify_after_commit(
            recipient=mentor,
            kind="mentoring",
            title=_("%(name)s would like you as their mentor") % {"name": mentee.display_name},
            body=_("Please accept or decline within a few days."),
            url=reverse("mentoring:inbox"),
        )
    return req


def withdraw_request(*, req: MentorshipRequest, mentee: User) -> MentorshipRequest:
    if req.mentee_id != mentee.pk:
        raise PermissionDenied
    updated = MentorshipRequest.objects.filter(pk=req.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, responded_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This request has already been answered."), code="already_answered")
    req.refresh_from_db()
    return req


def end_requests_after_block(blocker_id: int, blocked_id: int) -> int:
    """End pending requests between two people after a block either way (anywhere on the
    site): such a request can never be accepted, so it must not sit in the mentor's list or
    hold the mentee's one open request. A mentee who blocked their mentor withdrew it; a mentor
    who blocked the mentee declined it, and the mentee hears so exactly as after any decline
    (with the next suggestion), so who blocked whom is never said. Returns how many ended."""
    now = timezone.now()
    ended = MentorshipRequest.objects.filter(
        mentee_id=blocker_id, mentor_id=blocked_id, status=RequestStatus.PENDING
    ).update(status=RequestStatus.WITHDRAWN, responded_at=now)
    for req in MentorshipRequest.objects.filter(
        mentee_id=blocked_id, mentor_id=blocker_id, status=RequestStatus.PENDING
    ):
        with transaction.atomic():
            locked = MentorshipRequest.objects.select_for_update().get(pk=req.pk)
            if locked.status != RequestStatus.PENDING:
                continue
            locked.status, locked.responded_at = RequestStatus.DECLINED, now
            locked.save(update_fields=["status", "responded_at"])
            _offer_next(locked, why=_("Your mentor request was not accepted this time"))
            ended += 1
    return ended


def _lock_pending(req: MentorshipRequest, mentor: User) -> MentorshipRequest:
    if req.mentor_id != mentor.pk:
        raise PermissionDenied
    locked = MentorshipRequest.objects.select_for_update().get(pk=req.pk)
    if locked.status != RequestStatus.PENDING:
        raise ValidationError(
            _("This request has already been answered (%(status)s).")
            % {"status": locked.get_status_display()},
            code="already_answered",
        )
    return locked


def schedule_outcome_checkins(*, member: User) -> None:
    """Ask the outcomes capability for a baseline and regular check-ins, if it is installed.

    A failure there must not undo the mentorship, so it runs in a savepoint and is logged.
    """
    from peerhaven.outcomes.services import schedule_checkins_safely

    instruments = getattr(settings, "MENTORING_CHECKIN_INSTRUMENTS", ("phq9", "mspss"))
    cadence = int(getattr(settings, "MENTORING_CHECKIN_CADENCE_DAYS", 28))
    schedule_checkins_safely(
        user=member, instrument_ids=instruments, cadence_days=cadence, source="mentorship"
    )


def _start_mentorship(
    *, mentee: User, mentor: User, req: MentorshipRequest | None, cohort: CohortRun | None
) -> Mentorship:
    mentorship = Mentorship.objects.create(
        mentee=mentee, mentor=mentor, request=req, cohort=cohort, status=MentorshipStatus.ACTIVE
    )
    schedule_outcome_checkins(member=mentee)
    _on_commit_bump()
    return mentorship


def accept_request(*, req: MentorshipRequest, mentor: User) -> Mentorship:
    """The mentor says yes. Capacity and training are checked again; accepting twice is refused."""
    with transaction.atomic():
        locked = _lock_pending(req, mentor)
        mentor_input = _lock_mentor(mentor)
        if is_blocked(locked.mentee_id, mentor.pk):
            # A block either way since the request (who blocked whom is never said).
            raise ValidationError(_("This request can no longer be accepted."), code="ineligible")
        if Mentorship.objects.filter(mentee_id=locked.mentee_id, status__in=OPEN_STATUSES).exists():
            # One mentor at a time: e.g. a cohort match was confirmed since they asked.
            raise ValidationError(
                _("This member has a mentor now, so the request can no longer be accepted."),
                code="has_mentor",
            )
        if not mentor_input.training_current:
            raise ValidationError(
                _("Your training is not current, so you cannot take a new mentee yet."),
                code="training_expired",
            )
        # A mute would stop them writing to the mentee (``send_message``); a ban, everything.
        check_post(mentor)
        if mentor_input.free_places <= 0:
            raise ValidationError(
                _("You have no free place. End or finish a mentorship, or raise your capacity."),
                code="at_capacity",
            )
        locked.status = RequestStatus.ACCEPTED
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        mentee = User.objects.get(pk=locked.mentee_id)
        mentorship = _start_mentorship(mentee=mentee, mentor=mentor, req=locked, cohort=None)
        _notify_after_commit(
            recipient=mentee,
            kind="mentoring",
            title=_("%(name)s is your mentor now") % {"name": mentor.display_name},
            body=_("Say hello and set a first goal together."),
            url=reverse("mentoring:mentorship", args=[mentorship.pk]),
        )
    return mentorship


def _offer_next(req: MentorshipRequest, *, why: str) -> None:
    """Tell the mentee and point them to the next suggestion (they choose; never automatic)."""
    mentee = User.objects.filter(pk=req.mentee_id).first()
    if mentee is None:
        return
    try:
        nxt = suggest_for(member=mentee, k=1, exclude={req.mentor_id})
    except ValidationError:
        nxt = []
    if nxt:
        body = _("Your next suggestion is %(name)s. You can ask them with one tap.") % {
            "name": nxt[0].mentor.display_name
        }
    else:
        body = _("We have no other mentor free just now; we will let you know.")
    MentorshipRequest.objects.filter(pk=req.pk).update(next_offered=True)
    _notify_after_commit(
        recipient=mentee,
        kind="mentoring",
        title=why,
        body=body,
        url=reverse("mentoring:suggestions"),
    )


def decline_request(*, req: MentorshipRequest, mentor: User) -> MentorshipRequest:
    with transaction.atomic():
        locked = _lock_pending(req, mentor)
        locked.status = RequestStatus.DECLINED
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        _offer_next(locked, why=_("Your mentor request was not accepted this time"))
    return locked


def expire_requests(*, now: dt.datetime | None = None) -> int:
    """Lapse unanswered requests past ``expires_at`` and offer each mentee the next suggestion."""
    now = now or timezone.now()
    count = 0
    due = list(
        MentorshipRequest.objects.filter(
            status=RequestStatus.PENDING, expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            req = (
                MentorshipRequest.objects.select_for_update()
                .filter(pk=pk, status=RequestStatus.PENDING)
                .first()
            )
            if req is None:  # answered meanwhile
                continue
            req.status = RequestStatus.EXPIRED
            req.responded_at = now
            req.save(update_fields=["status", "responded_at"])
            _offer_next(req, why=_("Your mentor request had no answer in time"))
            count += 1
    return count


# --- The mentorship -------------------------------------------------------------------------------


def _check_participant(mentorship: Mentorship, actor: User) -> None:
    if not permissions.is_participant(actor, mentorship):
        raise PermissionDenied


def _lock_mentorship(mentorship: Mentorship, actor: User) -> Mentorship:
    _check_participant(mentorship, actor)
    return Mentorship.objects.select_for_update().get(pk=mentorship.pk)


def _other_user(mentorship: Mentorship, actor: User) -> User | None:
    other_id = mentorship.other(actor.pk)
    return User.objects.filter(pk=other_id).first() if other_id else None


def pause_mentorship(*, mentorship: Mentorship, actor: User) -> Mentorship:
    with transaction.atomic():
        m = _lock_mentorship(mentorship, actor)
        if m.status != MentorshipStatus.ACTIVE:
            raise ValidationError(_("Only an active mentorship can be paused."), code="not_active")
        m.status, m.paused_at, m.paused_by = MentorshipStatus.PAUSED, timezone.now(), actor
        m.save(update_fields=["status", "paused_at", "paused_by"])
        other = _other_user(m, actor)
        if other is not None:
            _notify_after_commit(
                recipient=other,
                kind="mentoring",
                title=_("%(name)s paused your mentorship") % {"name": actor.display_name},
                url=reverse("mentoring:mentorship", args=[m.pk]),
            )
    return m


def resume_mentorship(*, mentorship: Mentorship, actor: User) -> Mentorship:
    with transaction.atomic():
        m = _lock_mentorship(mentorship, actor)
        if m.status != MentorshipStatus.PAUSED:
            raise ValidationError(_("Only a paused mentorship can be resumed."), code="not_paused")
        if m.paused_by_id is not None and m.paused_by_id != actor.pk:
            # A pause is someone's break (a mentee taking time out, a mentor away): the other
            # person resuming it, and messaging at once, would override that choice.
            raise ValidationError(
                _(
                    "%(name)s paused this mentorship, so only they can resume it. "
                    "If you need to, you can end it."
                )
                % {"name": m.paused_by.display_name if m.paused_by else ""},
                code="paused_by_other",
            )
        m.status, m.paused_at, m.paused_by = MentorshipStatus.ACTIVE, None, None
        m.save(update_fields=["status", "paused_at", "paused_by"])
        other = _other_user(m, actor)
        if other is not None:
            _notify_after_commit(
                recipient=other,
                kind="mentoring",
                title=_("%(name)s resumed your mentorship") % {"name": actor.display_name},
                url=reverse("mentoring:mentorship", args=[m.pk]),
            )
    return m


def end_mentorship(
    *,
    mentorship: Mentorship,
    actor: User,
    helpfulness: int | None,
    reason: str,
    comment: str = "",
    request: Any = None,
) -> Mentorship:
    """Either side ends it with a short exit survey; the mentee is offered a new match."""
    if reason not in ExitReason.values:
        raise ValidationError(_("Choose why the mentorship is ending."), code="bad_reason")
    if helpfulness is not None and not 1 <= int(helpfulness) <= 5:
        raise ValidationError(_("Choose a number from 1 to 5."), code="bad_helpfulness")
    comment = _clean(comment, limit=1000)
    outcome = _screen(comment, "mentoring.exit", actor)
    with transaction.atomic():
        m = _lock_mentorship(mentorship, actor)
        if m.status == MentorshipStatus.ENDED:
            raise ValidationError(_("This mentorship has already ended."), code="ended")
        m.status = MentorshipStatus.ENDED
        m.ended_at = timezone.now()
        m.ended_by = actor
        m.exit_helpfulness = helpfulness
        m.exit_reason = reason
        m.exit_comment = comment
        m.rematch_offered = m.mentee_id is not None
        _apply(m, outcome)
        m.save()
        url = reverse("mentoring:mentorship", args=[m.pk])
        report_outcome(
            outcome=outcome, author=actor, kind="mentoring.exit", obj=m, url=url, request=request
        )
        other = _other_user(m, actor)
        if other is not None:
            _notify_after_commit(
                recipient=other,
                kind="mentoring",
                title=_("Your mentorship with %(name)s has ended") % {"name": actor.display_name},
                url=url,
            )
        mentee = actor if actor.pk == m.mentee_id else other
        if mentee is not None:
            _notify_after_commit(
                recipient=mentee,
                kind="mentoring",
                title=_("Would you like a new mentor?"),
                body=_("We can suggest someone else whenever you are ready."),
                url=reverse("mentoring:suggestions"),
            )
        _on_commit_bump()
        standing_changed(m.mentor_id, m.mentee_id)  # both live pages close (4410) now
    return m


def is_blocked(a_id: int | None, b_id: int | None) -> bool:
    if a_id is None or b_id is None:
        return False
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def send_message(
    *, mentorship: Mentorship, sender: User, body: str, request: Any = None
) -> DirectMessage:
    """Store a 1:1 message (screened first), then notify the other person after commit.

    Refused after the mentorship ended, while it is paused, when either has blocked the other,
    when empty or too long, and over the rate limit. Imminent-risk text with a method is held
    for a moderator: the sender sees it, the recipient does not until it is released.

    A moderator's ban refuses it (``PostingRestrictedError``, with the reason and the end). A mute
    refuses it for the mentor but not for the mentee: a mute silences public spaces, and a
    person — perhaps in distress — talking to their own mentor is the peer support the mute
    must not take away. A mentor under a mute is not in a position to support someone.
    """
    _check_participant(mentorship, sender)
    check_post(sender, allow_muted=sender.pk == mentorship.mentee_id)
    text = (body or "").strip()
    if not text:
        raise ValidationError(_("Write a message first."), code="empty")
    check_storable(text)
    if len(text) > MAX_MESSAGE:
        raise ValidationError(
            _("Please keep a message under %(n)s characters.") % {"n": f"{MAX_MESSAGE:,}"},
            code="too_long",
        )
    if mentorship.status == MentorshipStatus.ENDED:
        raise ValidationError(
            _("This mentorship has ended, so messages can no longer be sent."), code="ended"
        )
    if mentorship.status == MentorshipStatus.PAUSED:
        raise ValidationError(
            _("This mentorship is paused. Resume it to send messages."), code="paused"
        )
    if is_blocked(mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError(_("Messages cannot be sent in this mentorship."), code="blocked")
    if not hit("mentoring.message", str(sender.pk), limit=MESSAGES_PER_MINUTE, window=60):
        raise ValidationError(
            _("You are sending messages very fast. Please wait a moment."), code="rate_limited"
        )
    outcome = _screen(text, "mentoring.message", sender)
    url = reverse("mentoring:mentorship", args=[mentorship.pk])
    with transaction.atomic():
        message = DirectMessage(mentorship=mentorship, sender=sender, body=text, held=outcome.hold)
        _apply(message, outcome)
        message.save()
        Mentorship.objects.filter(pk=mentorship.pk).update(last_message_at=message.created_at)
        report_outcome(
            outcome=outcome,
            author=sender,
            kind="mentoring.message",
            obj=message,
            url=url,
            request=request,
        )
        transaction.on_commit(partial(live.broadcast, mentorship.pk, live.message_event(message)))
        other = _other_user(mentorship, sender)
        if other is not None and not message.held:
            _notify_after_commit(
                recipient=other,
                kind="mentoring",
                title=_("New message from %(name)s") % {"name": sender.display_name},
                url=url,
            )
    return message


def release_held_message(object_id: str, publish: bool) -> None:
    """Called by safety when a moderator resolves a held message."""
    if publish:
        DirectMessage.objects.filter(pk=object_id).update(held=False)
        message = DirectMessage.objects.select_related("sender").filter(pk=object_id).first()
        if message is not None:
            transaction.on_commit(
                partial(live.broadcast, message.mentorship_id, live.message_event(message))
            )


def block_in_mentorship(*, mentorship: Mentorship, actor: User) -> Mentorship:
    """Block the other person (site-wide block list) and end the mentorship; no more messages."""
    _check_participant(mentorship, actor)
    other_id = mentorship.other(actor.pk)
    with transaction.atomic():
        if other_id is not None:
            Block.objects.get_or_create(blocker=actor, blocked_id=other_id)
        m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if m.status != MentorshipStatus.ENDED:
            m.status, m.ended_at, m.ended_by = MentorshipStatus.ENDED, timezone.now(), actor
            m.exit_reason = ExitReason.OTHER
            m.rematch_offered = True
            m.save(
                update_fields=["status", "ended_at", "ended_by", "exit_reason", "rematch_offered"]
            )
            _on_commit_bump()
            standing_changed(m.mentor_id, m.mentee_id)
    return m


def report_message(
    *, message: DirectMessage, reporter: User, reason: str, request: Any = None
) -> None:
    """Report a message to the safety team (the moderation queue when safety is installed)."""
    _check_participant(message.mentorship, reporter)
    if message.sender_id == reporter.pk:
        raise ValidationError(_("You cannot report your own message."), code="own_message")
    url = reverse("mentoring:mentorship", args=[message.mentorship_id])
    try:
        from peerhaven.safety.services import file_report as safety_report
    except ImportError:  # safety not installed: audit and tell the moderators directly
        safety_report = None  # type: ignore[assignment]
    if safety_report is not None:
        author = User.objects.filter(pk=message.sender_id).first() if message.sender_id else None
        safety_report(
            reporter=reporter, obj=message, reason=reason, url=url, author=author, request=request
        )
        return
    reason = _clean(reason, limit=1000)
    if not reason:
        raise ValidationError(_("Please say briefly what is wrong."), code="reason_required")
    with transaction.atomic():
        audit.record(
            actor=reporter,
            action="mentoring.message.report",
            obj=message,
            detail={"message": message.pk},
            request=request,
        )
        for moderator in User.objects.filter(is_active=True, role_assignments__role=Role.MODERATOR):
            _notify_after_commit(
                recipient=moderator,
                kind="moderation",
                title=_("A mentoring message was reported"),
                url=url,
            )


# --- Goals and sessions ---------------------------------------------------------------------------


def _goal_steps(steps: Iterable[str]) -> list[str]:
    cleaned = [(s or "").strip() for s in steps]
    if not cleaned or any(not s for s in cleaned):
        raise ValidationError(
            _("A goal needs at least one step, and every step needs some words."),
            code="empty_steps",
        )
    if len(cleaned) > 20:
        raise ValidationError(_("Please keep to 20 steps or fewer."), code="too_many_steps")
    for step in cleaned:
        _clean(step, limit=200)
    return cleaned


def create_goal(
    *, mentorship: Mentorship, owner: User, title: str, steps: Iterable[str], request: Any = None
) -> Goal:
    """The mentee sets a goal with steps. Empty steps are refused; text is screened."""
    _check_participant(mentorship, owner)
    if owner.pk != mentorship.mentee_id:
        raise ValidationError(_("Goals belong to the mentee."), code="not_mentee")
    if mentorship.status == MentorshipStatus.ENDED:
        raise ValidationError(_("This mentorship has ended."), code="ended")
    title = _clean(title, limit=200)
    if not title:
        raise ValidationError(_("Give the goal a name."), code="empty_title")
    step_texts = _goal_steps(steps)
    outcome = _screen("\n".join([title, *step_texts]), "mentoring.goal", owner)
    with transaction.atomic():
        goal = Goal(owner=owner, mentorship=mentorship, title=title)
        _apply(goal, outcome)
        goal.save()
        GoalStep.objects.bulk_create(
            [GoalStep(goal=goal, text=text, position=i) for i, text in enumerate(step_texts)]
        )
        report_outcome(
            outcome=outcome,
            author=owner,
            kind="mentoring.goal",
            obj=goal,
            url=reverse("mentoring:mentorship", args=[mentorship.pk]),
            request=request,
        )
    return goal


def set_step_done(*, step: GoalStep, actor: User, done: bool = True) -> GoalStep:
    goal = step.goal
    if not permissions.can_change_goal(actor, goal.owner_id):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        step.done_at = now if done else None
        step.save(update_fields=["done_at"])
        remaining = goal.steps.filter(done_at__isnull=True).exists()
        goal.completed_at = None if remaining else now
        goal.save(update_fields=["completed_at"])
    return step


def _check_duration(minutes: int) -> None:
    if not 1 <= int(minutes) <= 600:
        raise ValidationError(
            _("The duration must be between 1 and 600 minutes."), code="bad_duration"
        )


def log_session(
    *,
    mentorship: Mentorship,
    mentor: User,
    held_on: dt.date,
    duration_minutes: int,
    topics: str,
    private_notes: str = "",
) -> SessionLog:
    """The mentor logs a session. Private notes are for them and their supervisor only.

    The topics are shown to the mentee, so a moderator's mute or ban refuses the log
    (``PostingRestrictedError``), as it refuses the mentor's messages.
    """
    _check_participant(mentorship, mentor)
    if mentor.pk != mentorship.mentor_id:
        raise ValidationError(_("Only the mentor logs sessions."), code="not_mentor")
    check_post(mentor)
    if mentorship.status == MentorshipStatus.ENDED:
        # The topics are text the mentee reads: after the end (or a block, which ends it) the
        # former mentor must not be able to keep writing to them this way.
        raise ValidationError(_("This mentorship has ended."), code="ended")
    if is_blocked(mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError(_("Sessions cannot be logged in this mentorship."), code="blocked")
    _check_duration(duration_minutes)
    if held_on > timezone.localdate():
        raise ValidationError(_("The session date cannot be in the future."), code="future")
    topics = _clean(topics, limit=300)
    if not topics:
        raise ValidationError(_("Say briefly what you talked about."), code="empty_topics")
    notes = _clean(private_notes)
    outcome = _screen(f"{topics}\n{notes}", "mentoring.session", mentor)
    with transaction.atomic():
        log = SessionLog(
            mentorship=mentorship,
            held_on=held_on,
            duration_minutes=duration_minutes,
            topics=topics,
            private_notes=notes,
        )
        _apply(log, outcome)
        log.save()
        report_outcome(outcome=outcome, author=mentor, kind="mentoring.session", obj=log)
    return log


# --- Cohort matching ------------------------------------------------------------------------------


def _cohort_intakes(mentee_ids: Iterable[int] | None) -> list[matching.MenteeIntake]:
    qs = MenteeIntake.objects.filter(member__is_active=True).prefetch_related(
        "tags", "priority_tags"
    )
    if mentee_ids is not None:
        qs = qs.filter(member_id__in=list(mentee_ids))
    busy = set(
        Mentorship.objects.filter(status__in=OPEN_STATUSES).values_list("mentee_id", flat=True)
    ) | set(
        MentorshipRequest.objects.filter(status=RequestStatus.PENDING).values_list(
            "mentee_id", flat=True
        )
    )
    blocks: dict[int, set[int]] = {}
    for a, b in Block.objects.values_list("blocker_id", "blocked_id"):
        blocks.setdefault(a, set()).add(b)
        blocks.setdefault(b, set()).add(a)
    # A mentor who declined (or let lapse) this mentee's request in the last 30 days is not
    # proposed to them again: the suggestions page already moves on, so must the cohort.
    since = timezone.now() - dt.timedelta(days=30)
    for a, b in MentorshipRequest.objects.filter(
        created_at__gte=since, status__in=(RequestStatus.DECLINED, RequestStatus.EXPIRED)
    ).values_list("mentee_id", "mentor_id"):
        blocks.setdefault(a, set()).add(b)
    banned = banned_ids()
    not_mentors = banned_ids(as_mentor=True)
    out = []
    for intake in qs.order_by("member_id"):
        if intake.member_id in busy or intake.member_id in banned:
            continue
        mentee = to_intake_input(intake)
        extra = (blocks.get(intake.member_id) or set()) | not_mentors
        if extra:
            mentee = matching.MenteeIntake(
                id=mentee.id,
                tags_wanted=mentee.tags_wanted,
                languages=mentee.languages,
                time_zone=mentee.time_zone,
                availability=mentee.availability,
                preferences=mentee.preferences,
                blocked_mentor_ids=set(mentee.blocked_mentor_ids) | extra,
            )
        out.append(mentee)
    return out


def run_cohort(
    *,
    actor: User,
    mentee_ids: Iterable[int] | None = None,
    min_score: float = 0.0,
    request: Any = None,
) -> CohortRun:
    """Propose an optimal assignment of waiting mentees to mentors, with greedy beside it.

    Nothing is created until an admin confirms the run (``confirm_cohort``).
    """
    permissions.check_administer(actor)
    if not 0.0 <= min_score <= 1.0:
        raise ValidationError(_("The minimum score must be between 0 and 1."), code="bad_min")
    intakes = _cohort_intakes(mentee_ids)
    index = mentor_index(use_cache=False)
    optimal = matching.assign_cohort(intakes, index, min_score=min_score)
    greedy = matching.assign_greedy(intakes, index, min_score=min_score)
    run = CohortRun.objects.create(
        created_by=actor,
        mentee_ids=[i.id for i in intakes],
        proposal=[[a.mentee_id, a.mentor_id, round(a.score, 6)] for a in optimal.assignments],
        optimal_total=optimal.total_score,
        optimal_matched=len(optimal.assignments),
        greedy_total=greedy.total_score,
        greedy_matched=len(greedy.assignments),
        certified_optimal=optimal.certified_optimal,
        optimality_gap=optimal.optimality_gap or 0.0,
    )
    audit.record(
        actor=actor,
        action="mentoring.cohort.run",
        obj=run,
        detail={"mentees": len(intakes), "matched": run.optimal_matched},
        request=request,
    )
    return run


def confirm_cohort(*, run: CohortRun, actor: User, request: Any = None) -> list[Mentorship]:
    """Create the proposed mentorships that still hold (capacity, mentee still waiting)."""
    permissions.check_administer(actor)
    created: list[Mentorship] = []
    with transaction.atomic():
        locked = CohortRun.objects.select_for_update().get(pk=run.pk)
        if locked.confirmed_at is not None:
            raise ValidationError(
                _("This cohort run has already been confirmed."), code="already_confirmed"
            )
        mentor_ids = {mentor_id for _m, mentor_id, _s in locked.proposal}
        mentee_ids = {mentee_id for mentee_id, _x, _s in locked.proposal}
        people = [*mentor_ids, *mentee_ids]
        users = User.objects.filter(is_active=True).in_bulk(people)
        # Lock the mentors' rows *before* reading their loads: an accept committed while we
        # waited for the lock must be counted, or a mentor is filled past their capacity.
        list(MentorProfile.objects.select_for_update().filter(user_id__in=mentor_ids))
        loads = {p.id: p for p in build_mentor_profiles(mentor_ids)}
        taken: dict[int, int] = {}
        # Still waiting: no open mentorship and no request of their own made since the run.
        busy = set(
            Mentorship.objects.filter(status__in=OPEN_STATUSES).values_list("mentee_id", flat=True)
        ) | set(
            MentorshipRequest.objects.filter(
                status=RequestStatus.PENDING, mentee_id__in=mentee_ids
            ).values_list("mentee_id", flat=True)
        )
        # Blocks and bans made since the run are hard constraints too.
        # (Whole tables, as in ``_cohort_intakes``: both are small, a cohort's id list is not.)
        blocked = {
            frozenset(pair) for pair in Block.objects.values_list("blocker_id", "blocked_id")
        }
        banned = banned_ids()
        not_mentors = banned_ids(as_mentor=True)
        for mentee_id, mentor_id, _score in locked.proposal:
            profile = loads.get(mentor_id)
            if profile is None or mentee_id in busy or mentee_id not in users:
                continue
            if mentor_id not in users or mentor_id in not_mentors or mentee_id in banned:
                continue
            if frozenset((mentee_id, mentor_id)) in blocked:
                continue
            if not profile.training_current or profile.paused:
                continue
            if profile.current_load + taken.get(mentor_id, 0) >= profile.capacity:
                continue
            taken[mentor_id] = taken.get(mentor_id, 0) + 1
            busy.add(mentee_id)
            mentorship = _start_mentorship(
                mentee=users[mentee_id], mentor=users[mentor_id], req=None, cohort=locked
            )
            created.append(mentorship)
            for recipient in (users[mentee_id], users[mentor_id]):
                _notify_after_commit(
                    recipient=recipient,
                    kind="mentoring",
                    title=_("You have a new mentoring match"),
                    url=reverse("mentoring:mentorship", args=[mentorship.pk]),
                )
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
        audit.record(
            actor=actor,
            action="mentoring.cohort.confirm",
            obj=locked,
            detail={"created": len(created)},
            request=request,
        )
    return created


# --- Peer-delivered services ----------------------------------------------------------------------


def save_service_type(
    *, actor: User, slug: str, name: str, description: str = "", active: bool = True
) -> ServiceType:
    permissions.check_administer(actor)
    name = _clean(name, limit=100)
    if not name or not slug:
        raise ValidationError(_("Give the service a name."), code="required")
    service_type, _created = ServiceType.objects.update_or_create(
        slug=slug, defaults={"name": name, "description": description.strip(), "active": active}
    )
    return service_type


def open_case(*, specialist: User, member: User) -> CaseloadEntry:
    if not permissions.can_keep_caseload(specialist):
        raise PermissionDenied
    if specialist.pk == member.pk:
        raise ValidationError(_("You cannot add yourself to your caseload."), code="self")
    if is_blocked(specialist.pk, member.pk):
        raise ValidationError(_("You cannot add this member."), code="ineligible")
    if not hit("mentoring.open_case", str(specialist.pk), limit=30, window=3600):
        raise ValidationError(_("Too many new cases in an hour; try again later."), code="rate")
    case, created = CaseloadEntry.objects.get_or_create(
        specialist=specialist, member=member, closed_at__isnull=True
    )
    if created:
        _notify_after_commit(
            recipient=member,
            kind="mentoring",
            title=_("%(name)s is now your peer specialist") % {"name": specialist.display_name},
            url=reverse("mentoring:my_services"),
        )
    return case


def close_case(*, case: CaseloadEntry, specialist: User) -> CaseloadEntry:
    if case.specialist_id != specialist.pk:
        raise PermissionDenied
    if case.closed_at is None:
        case.closed_at = timezone.now()
        case.save(update_fields=["closed_at"])
    return case


def log_service(
    *,
    case: CaseloadEntry,
    specialist: User,
    service_type: ServiceType,
    delivered_on: dt.date,
    duration_minutes: int,
    outcome: str,
    note: str = "",
) -> ServiceDelivery:
    if case.specialist_id != specialist.pk or not permissions.can_keep_caseload(specialist):
        raise PermissionDenied
    if case.closed_at is not None:
        raise ValidationError(_("This case is closed."), code="closed")
    if not service_type.active:
        raise ValidationError(_("This service type is retired."), code="retired")
    if outcome not in ServiceOutcome.values:
        raise ValidationError(_("Choose an outcome."), code="bad_outcome")
    if delivered_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
    _check_duration(duration_minutes)
    note = _clean(note)
    gate = _screen(note, "mentoring.service", specialist)
    with transaction.atomic():
        delivery = ServiceDelivery(
            case=case,
            service_type=service_type,
            delivered_on=delivered_on,
            duration_minutes=duration_minutes,
            outcome=outcome,
            note=note,
        )
        _apply(delivery, gate)
        delivery.save()
        report_outcome(outcome=gate, author=specialist, kind="mentoring.service", obj=delivery)
    return delivery
