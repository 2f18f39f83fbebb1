"""A person's mentoring data: what the export gives them and what erasure removes.

Whose data is each field? What a person wrote, and what was recorded about them that they can
see in the product, goes to them. Notes kept *about* someone by another person for that other
person's work stay with the writer: a mentor's private session notes and a supervisor's
supervision notes are exported to the person who wrote them and never to the mentee or the
supervised mentor; a peer specialist's delivery notes go to the specialist, not the member.
Counterparts appear by display name, as the product shows them, and only where the person
already sees them; unconfirmed cohort proposals name no one.

Erasure removes the same objects (see ``erase_mentoring``), so nothing exported survives an
erasure except messages kept as "[deleted member]" by choice.

The export runs a fixed number of queries whatever the number of rows (tested).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode
from peerhaven.mentoring.models import (
    OPEN_STATUSES,
    CaseloadEntry,
    CohortRun,
    DirectMessage,
    Goal,
    MenteeIntake,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    MentorshipStatus,
    MentorWellbeingCheckIn,
    ServiceDelivery,
    SessionLog,
    Supervision,
    TrainingRecord,
)
from peerhaven.mentoring.services import _on_commit_bump
from peerhaven.safety.sockets import standing_changed

# Cohort runs hold whole proposals as JSON; read them a few at a time.
_COHORT_CHUNK = 50


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


# --- Export ---------------------------------------------------------------------------------------


def _mentor_profile(user: User) -> dict[str, Any] | None:
    profile = MentorProfile.objects.filter(user=user).prefetch_related("tags").first()
    if profile is None:
        return None
    return {
        "tags": [t.slug for t in profile.tags.all()],
        "languages": profile.languages,
        "time_zone": profile.time_zone,
        "availability": profile.availability,
        "capacity": profile.capacity,
        "gender": profile.gender,
        "age_band": profile.age_band,
        "story": profile.story,
        "paused": profile.paused,
        "created_at": _iso(profile.created_at),
        "updated_at": _iso(profile.updated_at),
    }


def _intake(user: User) -> dict[str, Any] | None:
    intake = (
        MenteeIntake.objects.filter(member=user).prefetch_related("tags", "priority_tags").first()
    )
    if intake is None:
        return None
    return {
        "support_text": intake.support_text,
        "tags": [t.slug for t in intake.tags.all()],
        "priority_tags": [t.slug for t in intake.priority_tags.all()],
        "languages": intake.languages,
        "preferred_languages": intake.preferred_languages,
        "preferred_gender": intake.preferred_gender,
        "preferred_age_band": intake.preferred_age_band,
        "time_zone": intake.time_zone,
        "availability": intake.availability,
        "created_at": _iso(intake.created_at),
        "updated_at": _iso(intake.updated_at),
    }


def _supervision(user: User) -> dict[str, list[dict[str, Any]]]:
    """As a supervised mentor: who, when, and the sessions held, without the supervisor's notes
    (they are the supervisor's record, shown to no one else). As a supervisor: all of it."""
    rows = (
        Supervision.objects.filter(Q(mentor=user) | Q(supervisor=user))
        .select_related("mentor", "supervisor")
        .prefetch_related("sessions")
        .order_by("started_at", "pk")
    )
    supervised_by: list[dict[str, Any]] = []
    supervising: list[dict[str, Any]] = []
    for s in rows:
        if s.mentor_id == user.pk:
            supervised_by.append(
                {
                    "supervisor": _name(s.supervisor),
                    "started_at": _iso(s.started_at),
                    "ended_at": _iso(s.ended_at),
                    "sessions": [
                        {"held_on": _iso(x.held_on), "minutes": x.duration_minutes}
                        for x in s.sessions.all()
                    ],
                }
            )
        else:
            supervising.append(
                {
                    "mentor": _name(s.mentor),
                    "started_at": _iso(s.started_at),
                    "ended_at": _iso(s.ended_at),
                    "sessions": [
                        {
                            "held_on": _iso(x.held_on),
                            "minutes": x.duration_minutes,
                            "notes": x.notes,
                            "logged_at": _iso(x.created_at),
                        }
                        for x in s.sessions.all()
                    ],
                }
            )
    return {"supervised_by": supervised_by, "supervising": supervising}


def _requests(user: User) -> list[dict[str, Any]]:
    # Both sides see the score and its explanation (suggestions page, mentor's inbox).
    return [
        {
            "role": "mentee" if r.mentee_id == user.pk else "mentor",
            "with": _name(r.mentor if r.mentee_id == user.pk else r.mentee),
            "status": r.status,
            "score": r.score,
            "explanation": r.explanation,
            "created_at": _iso(r.created_at),
            "expires_at": _iso(r.expires_at),
            "responded_at": _iso(r.responded_at),
        }
        for r in MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentor")
        .order_by("created_at", "pk")
    ]


def _mentorships(user: User) -> list[dict[str, Any]]:
    out = []
    for m in (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("mentor", "mentee")
        .order_by("started_at", "pk")
    ):
        as_mentor = m.mentor_id == user.pk
        row: dict[str, Any] = {
            "id": m.pk,
            "role": "mentor" if as_mentor else "mentee",
            "with": _name(m.mentee if as_mentor else m.mentor),
            "status": m.status,
            "cohort_run": m.cohort_id,
            "started_at": _iso(m.started_at),
            "paused_at": _iso(m.paused_at),
            "paused_by_me": None if m.paused_at is None else m.paused_by_id == user.pk,
            "ended_at": _iso(m.ended_at),
            "ended_by_me": None if m.ended_at is None else m.ended_by_id == user.pk,
        }
        # The exit survey is the words of whoever ended it; the other side never sees it.
        if m.ended_by_id == user.pk:
            row["exit_survey"] = {
                "helpfulness": m.exit_helpfulness,
                "reason": m.exit_reason,
                "comment": m.exit_comment,
            }
        out.append(row)
    return out


def _session_logs(user: User) -> list[dict[str, Any]]:
    """The mentor wrote them and gets their private notes; the mentee sees date, length and
    topics on the mentorship page and gets those, never the notes."""
    out = []
    for log in (
        SessionLog.objects.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("mentorship")
        .order_by("held_on", "pk")
    ):
        as_mentor = log.mentorship.mentor_id == user.pk
        row: dict[str, Any] = {
            "mentorship": log.mentorship_id,
            "role": "mentor" if as_mentor else "mentee",
            "held_on": _iso(log.held_on),
            "minutes": log.duration_minutes,
            "topics": log.topics,
            "logged_at": _iso(log.created_at),
        }
        if as_mentor:
            row["private_notes"] = log.private_notes
        out.append(row)
    return out


def _peer_services(user: User) -> dict[str, list[dict[str, Any]]]:
    """Cases on both sides; deliveries as the specialist (with their note) and as the member
    (what the member sees on "Your peer services": no note)."""
    cases = [
        {
            "role": "specialist" if c.specialist_id == user.pk else "member",
            "with": _name(c.member if c.specialist_id == user.pk else c.specialist),
            "opened_at": _iso(c.opened_at),
            "closed_at": _iso(c.closed_at),
        }
        for c in CaseloadEntry.objects.filter(Q(specialist=user) | Q(member=user))
        .select_related("specialist", "member")
        .order_by("opened_at", "pk")
    ]
    delivered: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []
    for d in (
        ServiceDelivery.objects.filter(Q(case__specialist=user) | Q(case__member=user))
        .select_related("service_type", "case__specialist", "case__member")
        .order_by("delivered_on", "pk")
    ):
        row: dict[str, Any] = {
            "type": d.service_type.slug,
            "on": _iso(d.delivered_on),
            "minutes": d.duration_minutes,
            "outcome": d.outcome,
        }
        if d.case.specialist_id == user.pk:
            delivered.append(
                {
                    **row,
                    "member": _name(d.case.member),
                    "note": d.note,
                    "logged_at": _iso(d.created_at),
                }
            )
        else:
            received.append({**row, "with": _name(d.case.specialist)})
    return {"cases": cases, "delivered": delivered, "received": received}


def _cohort_proposals(user: User) -> list[dict[str, Any]]:
    """Cohort runs the person waited in or was proposed in, with their own score.

    The other side of a proposal is not named: an unconfirmed proposal is not a match, and a
    confirmed one is already under ``mentorships``. Runs keep ids in JSON, which SQLite cannot
    search, so every run is read (one query, in chunks).
    """
    out = []
    runs = CohortRun.objects.only("pk", "created_at", "confirmed_at", "mentee_ids", "proposal")
    for run in runs.order_by("created_at", "pk").iterator(chunk_size=_COHORT_CHUNK):
        waiting = user.pk in run.mentee_ids
        proposed = [
            {"role": "mentee" if mentee_id == user.pk else "mentor", "score": score}
            for mentee_id, mentor_id, score in run.proposal
            if user.pk in (mentee_id, mentor_id)
        ]
        if waiting or proposed:
            out.append(
                {
                    "run": run.pk,
                    "at": _iso(run.created_at),
                    "confirmed_at": _iso(run.confirmed_at),
                    "waiting_mentee": waiting,
                    "proposed": proposed,
                }
            )
    return out


def export_mentoring(user: User) -> dict[str, Any]:
    """Everything in mentoring that is the person's (see the module docstring for whose is what)."""
    services = _peer_services(user)
    return {
        "mentor_profile": _mentor_profile(user),
        "training": [
            {
                "course": t.course,
                "trainer": t.trainer,
                "completed_on": _iso(t.completed_on),
                "expires_on": _iso(t.expires_on),
                "recorded_at": _iso(t.created_at),
            }
            for t in TrainingRecord.objects.filter(mentor=user).order_by("completed_on", "pk")
        ],
        "wellbeing": [
            {"at": _iso(c.created_at), "feeling": c.feeling, "note": c.note}
            for c in MentorWellbeingCheckIn.objects.filter(mentor=user).order_by("created_at")
        ],
        "supervision": _supervision(user),
        "intake": _intake(user),
        "requests": _requests(user),
        "mentorships": _mentorships(user),
        "session_logs": _session_logs(user),
        "messages_sent": [
            {
                "mentorship": d.mentorship_id,
                "at": _iso(d.created_at),
                "body": d.body,
                "held": d.held,
            }
            for d in DirectMessage.objects.filter(sender=user).order_by("pk")
        ],
        "goals": [
            {
                "mentorship": g.mentorship_id,
                "title": g.title,
                "created_at": _iso(g.created_at),
                "completed_at": _iso(g.completed_at),
                "steps": [
                    {"text": s.text, "done": bool(s.done_at), "done_at": _iso(s.done_at)}
                    for s in g.steps.all()
                ],
            }
            for g in Goal.objects.filter(owner=user)
            .prefetch_related("steps")
            .order_by("created_at", "pk")
        ],
        "service_cases": services["cases"],
        "services_delivered": services["delivered"],
        "services_received": services["received"],
        "cohort_proposals": _cohort_proposals(user),
    }


# --- Erasure --------------------------------------------------------------------------------------


def _scrub_cohort_runs(user_id: int) -> None:
    """Blank the person's id in cohort runs; totals and counts stay as they were."""

    def scrub(value: Any) -> Any:
        return None if value == user_id else value

    changed: list[CohortRun] = []
    runs = CohortRun.objects.only("pk", "mentee_ids", "proposal")
    for run in runs.iterator(chunk_size=_COHORT_CHUNK):
        mentee_ids = [scrub(i) for i in run.mentee_ids]
        proposal = [[scrub(a), scrub(b), s] for a, b, s in run.proposal]
        if mentee_ids != run.mentee_ids or proposal != run.proposal:
            run.mentee_ids, run.proposal = mentee_ids, proposal
            changed.append(run)
    # Written after the read: SQLite does not isolate a write from an open read cursor.
    for run in changed:
        run.save(update_fields=["mentee_ids", "proposal"])


def erase_mentoring(user: User, mode: EraseMode) -> None:
    """Remove the person's profile, intake, goals, notes and services; end their mentorships.

    Messages they sent stay as "[deleted member]" under ANONYMISE and are deleted under REMOVE.
    Session logs of mentorships they were part of are deleted (the notes are about them or by
    them); so are supervisions on either side with their sessions, cases on either side with
    their deliveries, and requests. Exit comments they wrote, or that are about them as the
    mentee, go with the screener's excerpts of them. Cohort runs lose their id.
    """
    now = timezone.now()
    mine = Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
    MentorshipRequest.objects.filter(Q(mentor=user) | Q(mentee=user)).delete()
    SessionLog.objects.filter(mentorship__in=mine).delete()
    if mode == EraseMode.REMOVE:
        DirectMessage.objects.filter(sender=user).delete()
    # The risk evidence holds excerpts of the comment, so it goes with it.
    mine.filter(Q(ended_by=user) | Q(mentee=user)).update(
        exit_comment="", risk_level="none", risk_evidence=[]
    )
    ending = mine.filter(status__in=OPEN_STATUSES)
    # The other people's live pages of these mentorships close (4410) once this commits.
    others = [uid for pair in ending.values_list("mentor_id", "mentee_id") for uid in pair]
    ending.update(status=MentorshipStatus.ENDED, ended_at=now, rematch_offered=True)
    standing_changed(*others)
    Goal.objects.filter(owner=user).delete()
    ServiceDelivery.objects.filter(Q(case__member=user) | Q(case__specialist=user)).delete()
    CaseloadEntry.objects.filter(Q(member=user) | Q(specialist=user)).delete()
    Supervision.objects.filter(Q(mentor=user) | Q(supervisor=user)).delete()  # with sessions
    _scrub_cohort_runs(user.pk)
    # Remaining FKs (profile, intake, training, wellbeing) cascade with the user row.
    _on_commit_bump()
