"""The mentoring part of "export everything": each kind of object reaches the person it belongs
to, private notes never reach the person they are about, erasure removes what was exported,
and the export's query count does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.mentoring import services
from peerhaven.mentoring.models import (
    CaseloadEntry,
    CohortRun,
    Goal,
    GoalStep,
    Mentorship,
    MentorshipRequest,
    MentorWellbeingCheckIn,
    ServiceDelivery,
    ServiceType,
    SessionLog,
    Supervision,
    SupervisionSession,
    TrainingRecord,
)
from peerhaven.mentoring.privacy import export_mentoring

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def _mentoring(user: User) -> dict[str, Any]:
    return export_member_data(user=user)["mentoring"]


def _everything(user: User) -> str:
    """The whole export (every app), as text, to check a string appears nowhere in it."""
    return json.dumps(export_member_data(user=user))


def _mentoring_dump() -> str:
    out = StringIO()
    call_command("dumpdata", "mentoring", stdout=out)
    return out.getvalue()


@pytest.fixture
def supervisor(make_mentor: Callable[..., User]) -> User:
    return make_mentor(display_name="Wise Alder")


# --- Session logs ----------------------------------------------------------------------------------


def test_session_logs_go_to_the_mentor_with_notes_and_to_the_mentee_without(
    mentorship: Mentorship, mentee: User, mentor: User, outsider: User
) -> None:
    services.log_session(
        mentorship=mentorship,
        mentor=mentor,
        held_on=timezone.localdate(),
        duration_minutes=45,
        topics="Sleep routine and walks",
        private_notes="ZQ-MENTOR-PRIVATE-NOTE",
    )
    logs = _mentoring(mentor)["session_logs"]
    assert len(logs) == 1
    assert logs[0]["role"] == "mentor" and logs[0]["mentorship"] == mentorship.pk
    assert logs[0]["topics"] == "Sleep routine and walks" and logs[0]["minutes"] == 45
    assert logs[0]["private_notes"] == "ZQ-MENTOR-PRIVATE-NOTE"

    theirs = _mentoring(mentee)["session_logs"]
    assert [(s["role"], s["topics"], s["minutes"]) for s in theirs] == [
        ("mentee", "Sleep routine and walks", 45)
    ]
    assert "private_notes" not in theirs[0]
    assert "ZQ-MENTOR-PRIVATE-NOTE" not in _everything(mentee)

    assert _mentoring(outsider)["session_logs"] == []
    assert "Sleep routine" not in _everything(outsider)


def test_the_mentors_supervisor_does_not_get_the_mentors_session_notes(
    mentorship: Mentorship, mentor: User, supervisor: User, admin: User
) -> None:
    services.assign_supervisor(mentor=mentor, supervisor=supervisor, actor=admin)
    services.log_session(
        mentorship=mentorship,
        mentor=mentor,
        held_on=timezone.localdate(),
        duration_minutes=30,
        topics="Work worries",
        private_notes="ZQ-MENTOR-PRIVATE-NOTE",
    )
    text = _everything(supervisor)
    assert "ZQ-MENTOR-PRIVATE-NOTE" not in text and "Work worries" not in text


# --- Supervision -----------------------------------------------------------------------------------


def test_supervision_notes_go_to_the_supervisor_only(
    mentorship: Mentorship,
    mentor: User,
    mentee: User,
    supervisor: User,
    admin: User,
    make_mentor: Callable[..., User],
) -> None:
    earlier = make_mentor(display_name="Gentle Rowan")
    first = services.assign_supervisor(mentor=mentor, supervisor=earlier, actor=admin)
    services.log_supervision_session(
        supervision=first,
        supervisor=earlier,
        held_on=TODAY - dt.timedelta(days=60),
        duration_minutes=50,
        notes="ZQ-EARLIER-SUPERVISOR-NOTE",
    )
    # A new supervisor ends the first supervision; its sessions stay part of the history.
    current = services.assign_supervisor(mentor=mentor, supervisor=supervisor, actor=admin)
    services.log_supervision_session(
        supervision=current,
        supervisor=supervisor,
        held_on=TODAY,
        duration_minutes=40,
        notes="ZQ-SUPERVISOR-ONLY-NOTE",
    )

    as_mentor = _mentoring(mentor)["supervision"]
    assert as_mentor["supervising"] == []
    assert [s["supervisor"] for s in as_mentor["supervised_by"]] == ["Gentle Rowan", "Wise Alder"]
    assert as_mentor["supervised_by"][0]["ended_at"] is not None
    assert as_mentor["supervised_by"][1]["ended_at"] is None
    assert as_mentor["supervised_by"][0]["sessions"] == [
        {"held_on": (TODAY - dt.timedelta(days=60)).isoformat(), "minutes": 50}
    ]
    assert as_mentor["supervised_by"][1]["sessions"] == [
        {"held_on": TODAY.isoformat(), "minutes": 40}
    ]
    mentor_text = _everything(mentor)
    assert "ZQ-SUPERVISOR-ONLY-NOTE" not in mentor_text
    assert "ZQ-EARLIER-SUPERVISOR-NOTE" not in mentor_text

    as_supervisor = _mentoring(supervisor)["supervision"]
    assert as_supervisor["supervised_by"] == []
    [row] = as_supervisor["supervising"]
    assert row["mentor"] == "Kind Beacon" and row["ended_at"] is None
    assert [(s["minutes"], s["notes"]) for s in row["sessions"]] == [
        (40, "ZQ-SUPERVISOR-ONLY-NOTE")
    ]
    # Each supervisor gets only what they wrote.
    assert "ZQ-EARLIER-SUPERVISOR-NOTE" not in _everything(supervisor)
    earlier_rows = _mentoring(earlier)["supervision"]["supervising"]
    assert [s["notes"] for s in earlier_rows[0]["sessions"]] == ["ZQ-EARLIER-SUPERVISOR-NOTE"]
    assert "ZQ-SUPERVISOR-ONLY-NOTE" not in _everything(earlier)

    for other in (mentee, admin):
        text = _everything(other)
        assert "ZQ-SUPERVISOR-ONLY-NOTE" not in text
        assert "ZQ-EARLIER-SUPERVISOR-NOTE" not in text
        assert _mentoring(other)["supervision"] == {"supervised_by": [], "supervising": []}


def test_a_mentor_who_also_supervises_gets_both_sides_each_with_its_own_rule(
    mentor: User, supervisor: User, admin: User, make_mentor: Callable[..., User]
) -> None:
    junior = make_mentor(display_name="New Sprout")
    above = services.assign_supervisor(mentor=supervisor, supervisor=mentor, actor=admin)
    below = services.assign_supervisor(mentor=junior, supervisor=supervisor, actor=admin)
    services.log_supervision_session(
        supervision=above, supervisor=mentor, held_on=TODAY, duration_minutes=30, notes="ZQ-ABOVE"
    )
    services.log_supervision_session(
        supervision=below,
        supervisor=supervisor,
        held_on=TODAY,
        duration_minutes=25,
        notes="ZQ-BELOW",
    )
    data = _mentoring(supervisor)["supervision"]
    assert data["supervised_by"][0]["supervisor"] == "Kind Beacon"
    assert data["supervised_by"][0]["sessions"] == [{"held_on": TODAY.isoformat(), "minutes": 30}]
    assert data["supervising"][0]["mentor"] == "New Sprout"
    assert data["supervising"][0]["sessions"][0]["notes"] == "ZQ-BELOW"
    text = _everything(supervisor)
    assert "ZQ-ABOVE" not in text
    assert "ZQ-BELOW" not in _everything(junior)


# --- Peer-delivered services -----------------------------------------------------------------------


def test_services_go_to_the_specialist_with_the_note_and_to_the_member_without(
    mentor: User, member: User, outsider: User
) -> None:
    case = services.open_case(specialist=mentor, member=member)
    kind = ServiceType.objects.get(slug="accompaniment")
    services.log_service(
        case=case,
        specialist=mentor,
        service_type=kind,
        delivered_on=timezone.localdate(),
        duration_minutes=90,
        outcome="completed",
        note="ZQ-SPECIALIST-NOTE",
    )
    specialist = _mentoring(mentor)
    assert [(c["role"], c["with"]) for c in specialist["service_cases"]] == [
        ("specialist", "Quiet Harbor")
    ]
    [delivered] = specialist["services_delivered"]
    assert delivered["type"] == "accompaniment" and delivered["minutes"] == 90
    assert delivered["member"] == "Quiet Harbor" and delivered["note"] == "ZQ-SPECIALIST-NOTE"
    assert specialist["services_received"] == []

    received = _mentoring(member)
    assert [(c["role"], c["with"]) for c in received["service_cases"]] == [
        ("member", "Kind Beacon")
    ]
    assert received["services_delivered"] == []
    [got] = received["services_received"]
    assert got["with"] == "Kind Beacon" and got["outcome"] == "completed"
    assert "note" not in got
    assert "ZQ-SPECIALIST-NOTE" not in _everything(member)

    nobody = _mentoring(outsider)
    assert nobody["service_cases"] == nobody["services_delivered"] == []
    assert nobody["services_received"] == []


# --- Profile, intake, requests, mentorships, goals, messages, training, wellbeing ----------------


def test_the_rest_of_a_persons_mentoring_data_is_exported_to_them_only(
    mentorship: Mentorship, mentee: User, mentor: User, admin: User, outsider: User
) -> None:
    services.record_wellbeing(mentor=mentor, feeling=2, note="ZQ-WELLBEING")
    goal = services.create_goal(
        mentorship=mentorship, owner=mentee, title="ZQ-GOAL", steps=["ZQ-STEP-1", "ZQ-STEP-2"]
    )
    services.set_step_done(step=goal.steps.get(position=0), actor=mentee)
    services.send_message(mentorship=mentorship, sender=mentee, body="ZQ-FROM-MENTEE")
    services.send_message(mentorship=mentorship, sender=mentor, body="ZQ-FROM-MENTOR")
    services.pause_mentorship(mentorship=mentorship, actor=mentee)
    services.end_mentorship(
        mentorship=Mentorship.objects.get(pk=mentorship.pk),
        actor=mentee,
        helpfulness=4,
        reason="goals_met",
        comment="ZQ-EXIT-COMMENT",
    )

    theirs = _mentoring(mentee)
    intake = theirs["intake"]
    assert intake["support_text"] and intake["tags"] == ["bereavement"]
    assert {"priority_tags", "preferred_gender", "preferred_languages"} <= set(intake)
    assert intake["created_at"]
    [req] = theirs["requests"]
    assert req["role"] == "mentee" and req["with"] == "Kind Beacon"
    assert req["status"] == "accepted" and req["explanation"]["components"]
    [m] = theirs["mentorships"]
    assert m["role"] == "mentee" and m["with"] == "Kind Beacon" and m["status"] == "ended"
    assert m["paused_at"] and m["ended_by_me"] is True
    assert m["exit_survey"] == {
        "helpfulness": 4,
        "reason": "goals_met",
        "comment": "ZQ-EXIT-COMMENT",
    }
    [g] = theirs["goals"]
    assert g["title"] == "ZQ-GOAL" and g["mentorship"] == mentorship.pk
    assert [(s["text"], s["done"]) for s in g["steps"]] == [
        ("ZQ-STEP-1", True),
        ("ZQ-STEP-2", False),
    ]
    assert [d["body"] for d in theirs["messages_sent"]] == ["ZQ-FROM-MENTEE"]
    assert theirs["mentor_profile"] is None and theirs["training"] == []
    mentee_text = _everything(mentee)
    assert "ZQ-WELLBEING" not in mentee_text and "ZQ-FROM-MENTOR" not in mentee_text

    mine = _mentoring(mentor)
    assert mine["mentor_profile"]["story"] and mine["mentor_profile"]["created_at"]
    assert mine["training"][0]["trainer"] == "Training team"
    assert [(w["feeling"], w["note"]) for w in mine["wellbeing"]] == [(2, "ZQ-WELLBEING")]
    [req] = mine["requests"]
    assert req["role"] == "mentor" and req["with"] == "Quiet Harbor"
    [m] = mine["mentorships"]
    assert m["role"] == "mentor" and m["with"] == "Quiet Harbor" and m["ended_by_me"] is False
    assert "exit_survey" not in m
    assert mine["goals"] == [] and mine["intake"] is None
    assert [d["body"] for d in mine["messages_sent"]] == ["ZQ-FROM-MENTOR"]
    mentor_text = _everything(mentor)
    for text in ("ZQ-EXIT-COMMENT", "ZQ-GOAL", "ZQ-FROM-MENTEE"):
        assert text not in mentor_text, text

    for other in (admin, outsider):
        text = _everything(other)
        assert "ZQ-" not in text
        data = _mentoring(other)
        assert data["requests"] == data["mentorships"] == data["goals"] == []


def test_a_held_message_is_exported_to_its_sender_marked_held(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    services.send_message(mentorship=mentorship, sender=mentee, body="ZQ-HELD")
    mentorship.messages.update(held=True)
    assert [(d["body"], d["held"]) for d in _mentoring(mentee)["messages_sent"]] == [
        ("ZQ-HELD", True)
    ]
    assert "ZQ-HELD" not in _everything(mentor)


# --- Cohort runs -----------------------------------------------------------------------------------


def test_cohort_proposals_give_each_person_their_own_row_and_name_no_one(
    mentee: User, mentor: User, make_user: Callable[..., User], make_mentor: Callable[..., User]
) -> None:
    waiting = make_user(display_name="Patient Fern")
    other_mentor = make_mentor(display_name="Bright Oak")
    unmatched = make_user(display_name="Lonely Pine")
    run = CohortRun.objects.create(
        mentee_ids=[mentee.pk, waiting.pk, unmatched.pk],
        proposal=[[mentee.pk, mentor.pk, 0.8], [waiting.pk, other_mentor.pk, 0.6]],
    )
    [row] = _mentoring(mentee)["cohort_proposals"]
    assert row["run"] == run.pk and row["waiting_mentee"] is True
    assert row["proposed"] == [{"role": "mentee", "score": 0.8}]
    [row] = _mentoring(mentor)["cohort_proposals"]
    assert row["waiting_mentee"] is False
    assert row["proposed"] == [{"role": "mentor", "score": 0.8}]
    [row] = _mentoring(unmatched)["cohort_proposals"]
    assert row["waiting_mentee"] is True and row["proposed"] == []
    text = _everything(mentor)
    assert "Patient Fern" not in text and "Quiet Harbor" not in text
    assert "Bright Oak" not in _everything(mentee)


# --- Erasure removes what the export gave -----------------------------------------------------------


def _everything_about(
    person: User,
    *,
    mentee: User,
    mentor: User,
    supervisor: User,
    admin: User,
) -> Mentorship:
    """``person`` is a mentor (of ``mentee``), supervised, a supervisor, a specialist and a
    member of someone else's caseload; ``mentor`` mentors ``person`` as a mentee."""
    MentorshipRequest.objects.create(
        mentee=person, mentor=mentor, status="declined", expires_at=timezone.now()
    )
    with_mentee = Mentorship.objects.create(mentor=person, mentee=mentee)
    services.log_session(
        mentorship=with_mentee,
        mentor=person,
        held_on=timezone.localdate(),
        duration_minutes=30,
        topics="ZQ-TOPICS",
        private_notes="ZQ-SESSION-NOTES",
    )
    services.send_message(mentorship=with_mentee, sender=person, body="ZQ-MESSAGE")
    as_mentee = Mentorship.objects.create(mentor=mentor, mentee=person)
    services.create_goal(mentorship=as_mentee, owner=person, title="ZQ-GOAL", steps=["ZQ-STEP"])
    services.end_mentorship(
        mentorship=as_mentee,
        actor=person,
        helpfulness=2,
        reason="other",
        comment="ZQ-EXIT I want to die",
    )
    up = services.assign_supervisor(mentor=person, supervisor=supervisor, actor=admin)
    services.log_supervision_session(
        supervision=up, supervisor=supervisor, held_on=TODAY, duration_minutes=30, notes="ZQ-UP"
    )
    down = services.assign_supervisor(mentor=mentor, supervisor=person, actor=admin)
    services.log_supervision_session(
        supervision=down, supervisor=person, held_on=TODAY, duration_minutes=30, notes="ZQ-DOWN"
    )
    kind = ServiceType.objects.get(slug="accompaniment")
    for specialist, member in ((person, mentee), (supervisor, person)):
        services.log_service(
            case=services.open_case(specialist=specialist, member=member),
            specialist=specialist,
            service_type=kind,
            delivered_on=timezone.localdate(),
            duration_minutes=20,
            outcome="partial",
            note=f"ZQ-SERVICE-BY-{specialist.display_name}",
        )
    services.record_wellbeing(mentor=person, feeling=3, note="ZQ-WELLBEING")
    CohortRun.objects.create(
        mentee_ids=[person.pk, mentee.pk], proposal=[[person.pk, mentor.pk, 0.5]]
    )
    return as_mentee


@pytest.mark.parametrize("mode", [EraseMode.ANONYMISE, EraseMode.REMOVE])
def test_erasure_removes_every_kind_of_object_the_export_lists(
    make_mentor: Callable[..., User],
    make_intake: Callable[..., Any],
    mentee: User,
    mentor: User,
    supervisor: User,
    admin: User,
    mode: EraseMode,
) -> None:
    person = make_mentor(display_name="Leaving Willow", story="ZQ-STORY")
    make_intake(person, support_text="ZQ-INTAKE")
    as_mentee = _everything_about(
        person,
        mentee=mentee,
        mentor=mentor,
        supervisor=supervisor,
        admin=admin,
    )
    exported = _mentoring(person)
    # Every section has something, so the erasure check below covers each of them.
    empty = [k for k, v in exported.items() if not v]
    assert empty == []
    assert exported["supervision"]["supervised_by"] and exported["supervision"]["supervising"]
    assert Mentorship.objects.get(pk=as_mentee.pk).risk_evidence  # the comment was screened
    person_id = person.pk

    erase_member(user=person, mode=mode)

    dump = _mentoring_dump()
    kept = {"ZQ-MESSAGE"} if mode == EraseMode.ANONYMISE else set()
    for marker in (
        "ZQ-STORY",
        "ZQ-INTAKE",
        "ZQ-TOPICS",
        "ZQ-SESSION-NOTES",
        "ZQ-MESSAGE",
        "ZQ-GOAL",
        "ZQ-STEP",
        "ZQ-EXIT",
        "want to die",
        "ZQ-UP",
        "ZQ-DOWN",
        "ZQ-SERVICE-BY",
        "ZQ-WELLBEING",
    ):
        assert (marker in dump) == (marker in kept), marker
    ended = Mentorship.objects.get(pk=as_mentee.pk)
    assert ended.mentee_id is None and ended.risk_evidence == [] and ended.risk_level == "none"
    assert not SessionLog.objects.exists()
    assert not Supervision.objects.filter(
        Q(mentor_id=person_id) | Q(supervisor_id=person_id)
    ).exists()
    assert not SupervisionSession.objects.exists()
    assert not CaseloadEntry.objects.exists() and not ServiceDelivery.objects.exists()
    assert not MentorshipRequest.objects.exists()
    assert not Goal.objects.exists() and not GoalStep.objects.exists()
    assert not TrainingRecord.objects.filter(mentor_id=person_id).exists()
    assert not MentorWellbeingCheckIn.objects.exists()
    run = CohortRun.objects.get()
    assert run.mentee_ids == [None, mentee.pk]
    assert run.proposal == [[None, mentor.pk, 0.5]]
    # The others' exports still work and no longer name the person.
    for other in (mentee, mentor, supervisor):
        assert "Leaving Willow" not in _everything(other)


def test_erasing_a_mentee_clears_the_mentors_exit_comment_about_them_and_its_excerpts(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    services.end_mentorship(
        mentorship=mentorship,
        actor=mentor,
        helpfulness=None,
        reason="other",
        comment="ZQ-ABOUT-MENTEE they said they want to die",
    )
    assert Mentorship.objects.get(pk=mentorship.pk).risk_evidence
    erase_member(user=mentee, mode=EraseMode.ANONYMISE)
    m = Mentorship.objects.get(pk=mentorship.pk)
    assert m.exit_comment == "" and m.risk_evidence == [] and m.risk_level == "none"
    assert "ZQ-ABOUT-MENTEE" not in _mentoring_dump()
    assert "want to die" not in _mentoring_dump()


def test_a_cohort_run_confirms_after_a_proposed_mentee_erased_their_account(
    admin: User, mentor: User, mentee: User, make_user: Callable[..., User], make_intake: Any
) -> None:
    leaving = make_user()
    make_intake(leaving)
    run = CohortRun.objects.create(
        mentee_ids=[leaving.pk, mentee.pk],
        proposal=[[leaving.pk, mentor.pk, 0.9], [mentee.pk, mentor.pk, 0.8]],
    )
    erase_member(user=leaving, mode=EraseMode.REMOVE)
    created = services.confirm_cohort(run=CohortRun.objects.get(pk=run.pk), actor=admin)
    assert [(m.mentee_id, m.mentor_id) for m in created] == [(mentee.pk, mentor.pk)]


# --- Query count -----------------------------------------------------------------------------------


def _populate(person: User, n: int, make_user: Callable[..., User], kind: ServiceType) -> None:
    """``n`` rows of every kind around ``person``, made directly (the services are tested above)."""
    today = timezone.localdate()
    for i in range(n):
        mentee = make_user()
        mentor = make_user(roles=(Role.PEER_SUPPORTER,))
        other = make_user(roles=(Role.PEER_SUPPORTER,))
        MentorshipRequest.objects.create(
            mentee=mentee, mentor=person, status="declined", expires_at=timezone.now()
        )
        MentorshipRequest.objects.create(
            mentee=person, mentor=mentor, status="expired", expires_at=timezone.now()
        )
        as_mentor = Mentorship.objects.create(mentor=person, mentee=mentee)
        as_mentee = Mentorship.objects.create(
            mentor=mentor, mentee=person, status="ended", ended_by=person, ended_at=timezone.now()
        )
        for m in (as_mentor, as_mentee):
            SessionLog.objects.create(
                mentorship=m, held_on=today, duration_minutes=30, topics=f"t{i}"
            )
            m.messages.create(sender=person, body=f"m{i}")
        goal = Goal.objects.create(owner=person, mentorship=as_mentee, title=f"g{i}")
        GoalStep.objects.create(goal=goal, text="s1")
        GoalStep.objects.create(goal=goal, text="s2", position=1)
        ended = timezone.now() if i else None
        up = Supervision.objects.create(mentor=person, supervisor=other, ended_at=ended)
        down = Supervision.objects.create(mentor=mentor, supervisor=person)
        for sup in (up, down):
            SupervisionSession.objects.create(
                supervision=sup, held_on=today, duration_minutes=30, notes="n"
            )
        for case in (
            CaseloadEntry.objects.create(specialist=person, member=mentee),
            CaseloadEntry.objects.create(specialist=other, member=person),
        ):
            ServiceDelivery.objects.create(
                case=case,
                service_type=kind,
                delivered_on=today,
                duration_minutes=10,
                outcome="completed",
            )
        TrainingRecord.objects.create(
            mentor=person,
            course=f"c{i}",
            completed_on=today,
            trainer="t",
            expires_on=today + dt.timedelta(days=1),
        )
        MentorWellbeingCheckIn.objects.create(mentor=person, feeling=3)
        CohortRun.objects.create(mentee_ids=[person.pk], proposal=[[person.pk, mentor.pk, 0.5]])


def _count(person: User) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as ctx:
        data = export_mentoring(person)
    return len(ctx.captured_queries), data


def test_the_export_runs_the_same_number_of_queries_for_few_and_many_rows(
    make_mentor: Callable[..., User],
    make_user: Callable[..., User],
    make_intake: Callable[..., Any],
) -> None:
    kind = ServiceType.objects.get(slug="accompaniment")
    few, many = make_mentor(), make_mentor()
    make_intake(few)
    make_intake(many)
    _populate(few, 1, make_user, kind)
    _populate(many, 6, make_user, kind)
    few_queries, few_data = _count(few)
    many_queries, many_data = _count(many)
    assert len(many_data["session_logs"]) == 12 and len(many_data["cohort_proposals"]) == 6
    assert len(many_data["supervision"]["supervising"]) == 6
    assert len(many_data["services_delivered"]) == len(many_data["services_received"]) == 6
    assert len(few_data["mentorships"]) == 2 and len(many_data["mentorships"]) == 12
    assert many_queries == few_queries
    assert many_queries <= 20
