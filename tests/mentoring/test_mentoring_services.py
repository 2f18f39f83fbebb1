"""Mentoring services: matching from the database, requests, the lifecycle, messages, goals,
sessions, cohorts, peer services and personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.forums.models import Block
from peerhaven.mentoring import services, tasks
from peerhaven.mentoring.models import (
    CohortRun,
    DirectMessage,
    ExperienceTag,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    RequestStatus,
    ServiceType,
    SessionLog,
)
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _code(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return services.error_code(exc.value)


# --- Suggestions -----------------------------------------------------------------------------------


def test_suggestions_give_the_top_three_with_an_explanation_per_component(
    mentee: User, make_mentor: Callable[..., User]
) -> None:
    best = make_mentor(tag_slugs=("bereavement", "carer"))
    others = [make_mentor(tag_slugs=("student",)) for _ in range(3)]
    found = services.suggest_for(member=mentee)
    assert len(found) == 3
    assert found[0].mentor == best
    assert {s.mentor for s in found[1:]} <= set(others)
    names = [c.name for c in found[0].explanation.components]
    assert names == ["shared_experience", "availability", "time_zone", "preferences", "load"]
    assert all(c.explanation for c in found[0].explanation.components)
    assert found[0].explanation.score > found[1].explanation.score


def test_suggestions_never_break_a_hard_constraint(
    mentee: User, make_mentor: Callable[..., User], make_user: Callable[..., User]
) -> None:
    ok = make_mentor()
    make_mentor(trained=False)
    make_mentor(paused=True)
    make_mentor(languages=("fr",))
    make_mentor(capacity=0)
    blocked = make_mentor()
    Block.objects.create(blocker=blocked, blocked=mentee)
    # A peer supporter who is also the mentee is never their own mentor.
    mentee_profile_owner = mentee
    mentee_profile_owner.role_assignments.create(role=Role.PEER_SUPPORTER)
    found = services.suggest_for(member=User.objects.get(pk=mentee.pk))
    assert [s.mentor for s in found] == [ok]


def test_suggestions_without_an_intake_ask_for_one(member: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.suggest_for(member=member)
    assert _code(exc) == "no_intake"


def test_the_cached_mentor_index_is_rebuilt_after_a_profile_changes(
    mentee: User, make_mentor: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    mentor = make_mentor()
    assert [s.mentor for s in services.suggest_for(member=mentee)] == [mentor]
    with django_capture_on_commit_callbacks(execute=True):
        services.set_paused(user=mentor, paused=True)
    assert services.suggest_for(member=mentee) == []


# --- Requests --------------------------------------------------------------------------------------


def test_requesting_a_mentor_notifies_them_and_sets_an_expiry(
    mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        req = services.request_mentor(mentee=mentee, mentor=mentor)
    assert req.status == RequestStatus.PENDING
    assert req.expires_at > timezone.now() + dt.timedelta(hours=71)
    assert req.explanation["components"]
    assert Notification.objects.filter(recipient=mentor, kind="mentoring").exists()


def test_requesting_a_mentor_at_capacity_is_refused(
    mentee: User, make_mentor: Callable[..., User]
) -> None:
    full = make_mentor(capacity=0)
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=full)
    assert _code(exc) == "at_capacity"
    assert not MentorshipRequest.objects.exists()


def test_requesting_a_mentor_with_expired_training_is_refused(
    mentee: User, make_mentor: Callable[..., User]
) -> None:
    lapsed = make_mentor(trained=False)
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=lapsed)
    assert _code(exc) == "training_expired"


def test_self_mentoring_is_refused(make_mentor: Callable[..., User], make_intake: Any) -> None:
    peer = make_mentor()
    make_intake(peer)
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=peer, mentor=peer)
    assert _code(exc) == "self"


def test_a_duplicate_request_is_refused(mentee: User, mentor: User) -> None:
    services.request_mentor(mentee=mentee, mentor=mentor)
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=mentor)
    assert _code(exc) == "duplicate"
    assert services.status_for(exc.value) == 409
    assert MentorshipRequest.objects.count() == 1


def test_a_second_open_request_to_someone_else_is_refused(
    mentee: User, mentor: User, make_mentor: Callable[..., User]
) -> None:
    services.request_mentor(mentee=mentee, mentor=mentor)
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=make_mentor())
    assert _code(exc) == "pending_exists"


def test_a_mentee_with_a_mentor_cannot_ask_a_second_one(
    mentorship: Mentorship, mentee: User, mentor: User, make_mentor: Callable[..., User]
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=make_mentor())
    assert _code(exc) == "has_mentor"
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=mentor)
    assert _code(exc) == "duplicate"
    services.end_mentorship(mentorship=mentorship, actor=mentee, helpfulness=None, reason="other")
    services.request_mentor(mentee=mentee, mentor=make_mentor())


def test_requesting_someone_blocked_is_refused(mentee: User, mentor: User) -> None:
    Block.objects.create(blocker=mentee, blocked=mentor)
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=mentor)
    assert _code(exc) == "ineligible"


def test_accepting_starts_an_active_mentorship_and_tells_the_mentee(
    mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        m = services.accept_request(req=req, mentor=mentor)
    assert m.status == "active" and m.mentee == mentee and m.mentor == mentor
    assert Notification.objects.filter(recipient=mentee, title__contains="your mentor").exists()


def test_accepting_twice_is_refused_and_nothing_changes(mentee: User, mentor: User) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    services.accept_request(req=req, mentor=mentor)
    with pytest.raises(ValidationError) as exc:
        services.accept_request(req=req, mentor=mentor)
    assert _code(exc) == "already_answered"
    assert Mentorship.objects.count() == 1


def test_only_the_asked_mentor_may_accept(
    mentee: User, mentor: User, make_mentor: Callable[..., User]
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    with pytest.raises(PermissionDenied):
        services.accept_request(req=req, mentor=make_mentor())


def test_accepting_when_full_since_the_request_is_refused(
    mentee: User, make_mentor: Callable[..., User], make_user: Callable[..., User], make_intake: Any
) -> None:
    mentor = make_mentor(capacity=1)
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    other = make_user()
    make_intake(other)
    Mentorship.objects.create(mentee=other, mentor=mentor)
    with pytest.raises(ValidationError) as exc:
        services.accept_request(req=req, mentor=mentor)
    assert _code(exc) == "at_capacity"
    assert MentorshipRequest.objects.get(pk=req.pk).status == RequestStatus.PENDING


def test_accepting_schedules_outcome_check_ins_for_the_mentee(mentee: User, mentor: User) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    with mock.patch("peerhaven.outcomes.services.schedule_checkins") as schedule:
        services.accept_request(req=req, mentor=mentor)
    schedule.assert_called_once()
    kwargs = schedule.call_args.kwargs
    assert kwargs["user"] == mentee and kwargs["source"] == "mentorship"


def test_a_failure_scheduling_check_ins_does_not_undo_the_mentorship(
    mentee: User, mentor: User
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    with mock.patch(
        "peerhaven.outcomes.services.schedule_checkins", side_effect=ValidationError("no")
    ):
        m = services.accept_request(req=req, mentor=mentor)
    assert Mentorship.objects.filter(pk=m.pk, status="active").exists()


def test_declining_offers_the_mentee_the_next_suggestion(
    mentee: User,
    mentor: User,
    make_mentor: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    nxt = make_mentor(display_name="Next Lighthouse")
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(req=req, mentor=mentor)
    note = Notification.objects.filter(recipient=mentee).latest("pk")
    assert nxt.display_name in note.body
    # The mentor who declined is not suggested again straight away.
    assert [s.mentor for s in services.suggest_for(member=mentee)] == [nxt]


def test_the_expiry_job_lapses_unanswered_requests_and_offers_the_next_suggestion(
    mentee: User,
    mentor: User,
    make_mentor: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    nxt = make_mentor(display_name="Patient Harbour")
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    fresh_mentee_req = MentorshipRequest.objects.get(pk=req.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_requests(now=timezone.now()) == 0
        assert (
            services.expire_requests(now=fresh_mentee_req.expires_at + dt.timedelta(minutes=1)) == 1
        )
    req.refresh_from_db()
    assert req.status == RequestStatus.EXPIRED and req.next_offered
    assert nxt.display_name in Notification.objects.filter(recipient=mentee).latest("pk").body
    # Now the mentee may ask someone else.
    services.request_mentor(mentee=mentee, mentor=nxt)


def test_the_periodic_task_runs_the_expiry(mentee: User, mentor: User, settings: Any) -> None:
    settings.MENTORING_REQUEST_EXPIRY_HOURS = 0
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    tasks.expire_mentor_requests.call_local()
    assert MentorshipRequest.objects.get(pk=req.pk).status == RequestStatus.EXPIRED


def test_an_answered_request_is_not_expired(mentee: User, mentor: User) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    services.accept_request(req=req, mentor=mentor)
    assert services.expire_requests(now=timezone.now() + dt.timedelta(days=30)) == 0


def test_withdrawing_lets_the_mentee_ask_someone_else(
    mentee: User, mentor: User, make_mentor: Callable[..., User]
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    services.withdraw_request(req=req, mentee=mentee)
    services.request_mentor(mentee=mentee, mentor=make_mentor())


# --- Lifecycle -------------------------------------------------------------------------------------


def test_pause_resume_and_end_with_an_exit_survey_offers_a_rematch(
    mentorship: Mentorship, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    services.pause_mentorship(mentorship=mentorship, actor=mentor)
    with pytest.raises(ValidationError):
        services.pause_mentorship(mentorship=mentorship, actor=mentor)
    services.resume_mentorship(mentorship=mentorship, actor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        m = services.end_mentorship(
            mentorship=mentorship,
            actor=mentor,
            helpfulness=4,
            reason="goals_met",
            comment="We got there together.",
        )
    assert m.status == "ended" and m.ended_by == mentor and m.exit_helpfulness == 4
    assert m.rematch_offered
    assert Notification.objects.filter(recipient=mentee, title__contains="new mentor").exists()
    with pytest.raises(ValidationError) as exc:
        services.end_mentorship(mentorship=m, actor=mentee, helpfulness=None, reason="other")
    assert _code(exc) == "ended"


def test_ending_needs_a_reason_from_the_list(mentorship: Mentorship, mentee: User) -> None:
    with pytest.raises(ValidationError):
        services.end_mentorship(mentorship=mentorship, actor=mentee, helpfulness=9, reason="x")
    assert Mentorship.objects.get(pk=mentorship.pk).status == "active"


def test_an_outsider_cannot_change_a_mentorship(mentorship: Mentorship, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.pause_mentorship(mentorship=mentorship, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.send_message(mentorship=mentorship, sender=outsider, body="hi")


# --- Messages --------------------------------------------------------------------------------------


def test_a_message_is_stored_screened_and_notified(
    mentorship: Mentorship, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.send_message(mentorship=mentorship, sender=mentee, body="  Hello there  ")
    assert msg.body == "Hello there" and msg.risk_level == "none" and not msg.held
    assert Notification.objects.filter(recipient=mentor, title__contains="New message").exists()


def test_a_message_with_risk_keeps_the_screening_level(
    mentorship: Mentorship, mentee: User
) -> None:
    msg = services.send_message(
        mentorship=mentorship, sender=mentee, body="I want to kill myself tonight."
    )
    assert msg.risk_level in {"ideation", "imminent"}
    assert msg.risk_evidence


def test_messages_after_the_mentorship_ended_are_refused_and_nothing_is_stored(
    mentorship: Mentorship, mentee: User
) -> None:
    services.end_mentorship(mentorship=mentorship, actor=mentee, helpfulness=3, reason="no_time")
    with pytest.raises(ValidationError) as exc:
        services.send_message(
            mentorship=Mentorship.objects.get(pk=mentorship.pk), sender=mentee, body="still there?"
        )
    assert _code(exc) == "ended"
    assert not DirectMessage.objects.exists()


def test_a_block_stops_messages(mentorship: Mentorship, mentee: User, mentor: User) -> None:
    Block.objects.create(blocker=mentor, blocked=mentee)
    with pytest.raises(ValidationError) as exc:
        services.send_message(mentorship=mentorship, sender=mentee, body="hello")
    assert _code(exc) == "blocked"


def test_blocking_from_the_mentorship_ends_it(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    m = services.block_in_mentorship(mentorship=mentorship, actor=mentee)
    assert m.status == "ended"
    assert Block.objects.filter(blocker=mentee, blocked=mentor).exists()


def test_empty_messages_are_refused(mentorship: Mentorship, mentee: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.send_message(mentorship=mentorship, sender=mentee, body="   ")
    assert _code(exc) == "empty"


def test_reporting_a_message_reaches_the_safety_team(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    msg = services.send_message(mentorship=mentorship, sender=mentor, body="Something unkind")
    with mock.patch("peerhaven.safety.services.file_report") as report:
        services.report_message(message=msg, reporter=mentee, reason="It upset me")
    assert report.call_args.kwargs["obj"] == msg
    assert report.call_args.kwargs["author"] == mentor
    with pytest.raises(ValidationError):
        services.report_message(message=msg, reporter=mentor, reason="mine")


# --- Goals and sessions ----------------------------------------------------------------------------


def test_the_mentee_sets_a_goal_with_steps_and_marks_one_done(
    mentorship: Mentorship, mentee: User
) -> None:
    goal = services.create_goal(
        mentorship=mentorship, owner=mentee, title="Walk more", steps=["Buy shoes", "Walk Monday"]
    )
    first, second = goal.steps.all()
    services.set_step_done(step=first, actor=mentee)
    goal = Goal.objects.prefetch_related("steps").get(pk=goal.pk)
    assert goal.progress == 50 and goal.completed_at is None
    services.set_step_done(step=second, actor=mentee)
    assert Goal.objects.get(pk=goal.pk).completed_at is not None


@pytest.mark.parametrize("steps", [[], ["Buy shoes", "   "], [""]])
def test_goals_with_empty_steps_are_refused(
    mentorship: Mentorship, mentee: User, steps: list[str]
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_goal(mentorship=mentorship, owner=mentee, title="Walk more", steps=steps)
    assert _code(exc) == "empty_steps"
    assert not Goal.objects.exists()


def test_only_the_mentee_owns_goals_and_steps(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    with pytest.raises(ValidationError):
        services.create_goal(mentorship=mentorship, owner=mentor, title="x", steps=["y"])
    goal = services.create_goal(mentorship=mentorship, owner=mentee, title="x", steps=["y"])
    with pytest.raises(PermissionDenied):
        services.set_step_done(step=goal.steps.get(), actor=mentor)


def test_the_mentor_logs_sessions_with_private_notes(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    log = services.log_session(
        mentorship=mentorship,
        mentor=mentor,
        held_on=timezone.localdate(),
        duration_minutes=45,
        topics="Sleep and routines",
        private_notes="Seemed brighter than last week.",
    )
    assert log.private_notes
    with pytest.raises(ValidationError):
        services.log_session(
            mentorship=mentorship,
            mentor=mentee,
            held_on=timezone.localdate(),
            duration_minutes=45,
            topics="x",
        )
    with pytest.raises(ValidationError):
        services.log_session(
            mentorship=mentorship,
            mentor=mentor,
            held_on=timezone.localdate(),
            duration_minutes=0,
            topics="x",
        )
    assert SessionLog.objects.count() == 1


# --- Profiles and training -------------------------------------------------------------------------


def test_a_member_without_the_peer_supporter_role_cannot_keep_a_mentor_profile(
    member: User,
) -> None:
    with pytest.raises(PermissionDenied):
        services.save_mentor_profile(
            user=member, tags=[], languages=["en"], time_zone="UTC", availability=[], capacity=1
        )


def test_a_mentor_profile_needs_a_language_and_a_known_time_zone(peer_supporter: User) -> None:
    base: dict[str, Any] = {
        "user": peer_supporter,
        "tags": [],
        "time_zone": "UTC",
        "availability": [],
        "capacity": 1,
    }
    with pytest.raises(ValidationError):
        services.save_mentor_profile(**{**base, "languages": []})
    with pytest.raises(ValidationError):
        services.save_mentor_profile(**{**base, "languages": ["en"], "time_zone": "Mars/Base"})
    assert not MentorProfile.objects.exists()


def test_training_records_are_for_admins_and_expiry_must_follow_completion(
    admin: User, mentor: User, member: User
) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.add_training_record(
            mentor=mentor,
            course="c",
            completed_on=today,
            trainer="t",
            expires_on=today + dt.timedelta(days=1),
            actor=member,
        )
    with pytest.raises(ValidationError):
        services.add_training_record(
            mentor=mentor,
            course="c",
            completed_on=today,
            trainer="t",
            expires_on=today,
            actor=admin,
        )


def test_availability_text_is_parsed_into_weekly_windows() -> None:
    assert services.parse_availability("Mon 18:00-20:00; sat 23:00-01:00") == [
        [0, 1080, 1200],
        [5, 1380, 60],
    ]
    with pytest.raises(ValidationError):
        services.parse_availability("someday 9-5")
    assert services.format_availability([[0, 1080, 1200]]) == "Mon 18:00-20:00"


def test_a_low_wellbeing_check_in_is_recorded(mentor: User) -> None:
    checkin = services.record_wellbeing(mentor=mentor, feeling=1, note="Tired this week.")
    assert checkin.pk and checkin.risk_level == "none"


# --- Cohort matching -------------------------------------------------------------------------------


@pytest.fixture
def cohort_people(
    make_user: Callable[..., User], make_mentor: Callable[..., User], make_intake: Any
) -> tuple[list[User], list[User]]:
    mentors = [make_mentor(capacity=1, tag_slugs=("bereavement",)), make_mentor(capacity=2)]
    mentees = []
    for _ in range(4):
        person = make_user()
        make_intake(person)
        mentees.append(person)
    return mentees, mentors


def test_cohort_matching_proposes_then_the_admin_confirms(
    admin: User, cohort_people: tuple[list[User], list[User]]
) -> None:
    _mentees, _mentors = cohort_people
    run = services.run_cohort(actor=admin)
    assert run.optimal_matched == 3  # three places for four mentees
    assert run.optimal_total >= run.greedy_total - 1e-9
    assert run.certified_optimal
    assert not Mentorship.objects.exists()
    created = services.confirm_cohort(run=run, actor=admin)
    assert len(created) == 3
    assert Mentorship.objects.filter(cohort=run, status="active").count() == 3
    with pytest.raises(ValidationError) as exc:
        services.confirm_cohort(run=CohortRun.objects.get(pk=run.pk), actor=admin)
    assert _code(exc) == "already_confirmed"


def test_confirming_skips_proposals_that_no_longer_hold(
    admin: User, cohort_people: tuple[list[User], list[User]]
) -> None:
    run = services.run_cohort(actor=admin)
    _mentee_id, mentor_id, _score = run.proposal[0]
    MentorProfile.objects.filter(user_id=mentor_id).update(paused=True)
    created = services.confirm_cohort(run=run, actor=admin)
    assert mentor_id not in {m.mentor_id for m in created}


def test_cohort_matching_is_for_admins_with_two_factor(
    make_user: Callable[..., User], member: User
) -> None:
    no_totp = make_user(roles=(Role.ADMIN,), two_factor=False)
    for person in (member, no_totp):
        with pytest.raises(PermissionDenied):
            services.run_cohort(actor=person)


# --- Peer-delivered services -----------------------------------------------------------------------


def test_a_specialist_logs_services_and_admins_see_totals_with_small_cells_hidden(
    mentor: User, member: User
) -> None:
    case = services.open_case(specialist=mentor, member=member)
    navigation = ServiceType.objects.get(slug="system-navigation")
    today = timezone.localdate()
    for minutes in (30, 45):
        services.log_service(
            case=case,
            specialist=mentor,
            service_type=navigation,
            delivered_on=today,
            duration_minutes=minutes,
            outcome="completed",
        )
    from peerhaven.mentoring import queries

    totals = {t.service_type.slug: t for t in queries.service_totals(today, today)}
    assert totals["system-navigation"].deliveries == 2
    assert totals["system-navigation"].minutes == 75
    assert totals["system-navigation"].members is None  # one person: fewer than 10
    assert totals["accompaniment"].deliveries == 0


def test_service_logs_refuse_bad_input(mentor: User, member: User, outsider: User) -> None:
    case = services.open_case(specialist=mentor, member=member)
    kind = ServiceType.objects.get(slug="accompaniment")
    today = timezone.localdate()
    good: dict[str, Any] = {
        "case": case,
        "specialist": mentor,
        "service_type": kind,
        "delivered_on": today,
        "duration_minutes": 60,
        "outcome": "completed",
    }
    with pytest.raises(PermissionDenied):
        services.log_service(**{**good, "specialist": outsider})
    with pytest.raises(ValidationError):
        services.log_service(**{**good, "outcome": "great"})
    with pytest.raises(ValidationError):
        services.log_service(**{**good, "delivered_on": today + dt.timedelta(days=2)})
    with pytest.raises(ValidationError):
        services.open_case(specialist=mentor, member=mentor)


# --- Personal data ---------------------------------------------------------------------------------


def test_export_includes_mentoring_data(mentorship: Mentorship, mentee: User) -> None:
    services.send_message(mentorship=mentorship, sender=mentee, body="Thank you for today")
    data = export_member_data(user=mentee)["mentoring"]
    assert data["intake"]["support_text"]
    assert data["messages_sent"][0]["body"] == "Thank you for today"


@pytest.mark.parametrize("mode", [EraseMode.ANONYMISE, EraseMode.REMOVE])
def test_erasing_a_mentee_keeps_the_mentor_history_without_them(
    mentorship: Mentorship, mentee: User, mentor: User, mode: EraseMode
) -> None:
    services.send_message(mentorship=mentorship, sender=mentee, body="poems about rain")
    services.send_message(mentorship=mentorship, sender=mentor, body="Lovely")
    services.create_goal(mentorship=mentorship, owner=mentee, title="Sleep", steps=["Lights off"])
    erase_member(user=mentee, mode=mode)
    m = Mentorship.objects.get(pk=mentorship.pk)
    assert m.mentee_id is None and m.status == "ended"
    bodies = set(DirectMessage.objects.values_list("body", flat=True))
    assert "Lovely" in bodies
    assert ("poems about rain" in bodies) == (mode == EraseMode.ANONYMISE)
    assert not Goal.objects.exists()
    assert not ExperienceTag.objects.filter(intakes__isnull=False).exists()


def test_mentor_inputs_come_from_the_database_with_load_training_and_tags(
    make_mentor: Callable[..., User], make_user: Callable[..., User]
) -> None:
    mentor = make_mentor(tag_slugs=("carer", "student"), capacity=3)
    lapsed = make_mentor(trained=False)
    gone = make_mentor()
    User.objects.filter(pk=gone.pk).update(is_active=False)
    plain = make_user()
    Mentorship.objects.create(mentee=plain, mentor=mentor)
    Mentorship.objects.create(mentee=make_user(), mentor=mentor, status="ended")
    inputs = {p.id: p for p in services.build_mentor_profiles()}
    assert set(inputs) == {mentor.pk, lapsed.pk}
    assert inputs[mentor.pk].current_load == 1 and inputs[mentor.pk].capacity == 3
    assert inputs[mentor.pk].experience_tags == {"carer", "student"}
    assert inputs[mentor.pk].training_current and not inputs[lapsed.pk].training_current
    assert set(services.build_mentor_profiles([lapsed.pk])[0].languages) == {"en"}


@pytest.mark.parametrize("mode", [EraseMode.ANONYMISE, EraseMode.REMOVE])
def test_erasing_a_mentor_leaves_none_of_their_words_but_their_messages_by_choice(
    mentorship: Mentorship, mentee: User, mentor: User, admin: User, mode: EraseMode
) -> None:
    from io import StringIO

    from django.core.management import call_command

    services.save_mentor_profile(
        user=mentor,
        tags=[],
        languages=["en"],
        time_zone="UTC",
        availability=[],
        capacity=1,
        story="UNIQUE-STORY-TEXT",
    )
    services.record_wellbeing(mentor=mentor, feeling=3, note="UNIQUE-WELLBEING")
    services.log_session(
        mentorship=mentorship,
        mentor=mentor,
        held_on=timezone.localdate(),
        duration_minutes=30,
        topics="UNIQUE-TOPICS",
        private_notes="UNIQUE-NOTES",
    )
    services.send_message(mentorship=mentorship, sender=mentor, body="UNIQUE-MESSAGE")
    services.end_mentorship(
        mentorship=mentorship, actor=mentor, helpfulness=3, reason="other", comment="UNIQUE-EXIT"
    )
    services.open_case(specialist=mentor, member=mentee)
    erase_member(user=mentor, mode=mode)
    out = StringIO()
    call_command("dumpdata", "mentoring", stdout=out)
    dump = out.getvalue()
    for text in ("UNIQUE-STORY-TEXT", "UNIQUE-WELLBEING", "UNIQUE-NOTES", "UNIQUE-EXIT"):
        assert text not in dump, text
    assert ("UNIQUE-MESSAGE" in dump) == (mode == EraseMode.ANONYMISE)
    assert Mentorship.objects.get(pk=mentorship.pk).mentor_id is None


def test_a_new_mentorship_really_schedules_the_mentees_check_ins(
    mentorship: Mentorship, mentee: User
) -> None:
    from peerhaven.outcomes.models import CheckInSchedule

    schedules = CheckInSchedule.objects.filter(member=mentee)
    assert {s.instrument_id for s in schedules} == {"phq9", "mspss"}
    assert all(s.source == "mentorship" and s.cadence_days == 28 for s in schedules)


def test_requesting_a_paused_mentor_or_one_without_a_shared_language_says_why(
    mentee: User, make_mentor: Callable[..., User]
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=make_mentor(paused=True))
    assert _code(exc) == "paused"
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=make_mentor(languages=("fr",)))
    assert _code(exc) == "no_shared_language"
