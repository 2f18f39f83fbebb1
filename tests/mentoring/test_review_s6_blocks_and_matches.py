"""Review (session 6): blocks, bans and "one mentor at a time" hold at every step of a match,
and a former mentor can no longer read or write to the mentee."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums.models import Block
from peerhaven.mentoring import services
from peerhaven.mentoring.models import (
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    SessionLog,
)
from peerhaven.safety import services as safety

pytestmark = pytest.mark.django_db

SECRET = "Since then I have been sleeping on the sofa of a friend"


def _code(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return services.error_code(exc.value)


def _update_intake(member: User, text: str) -> None:
    services.save_intake(
        member=member,
        support_text=text,
        tags=[],
        languages=["en"],
        time_zone="Europe/London",
        availability=[[0, 18 * 60, 20 * 60]],
    )


# --- A former mentor ------------------------------------------------------------------------------


def test_a_former_mentor_no_longer_reads_what_the_mentee_writes_for_their_next_mentor(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    services.end_mentorship(mentorship=mentorship, actor=mentee, helpfulness=None, reason="other")
    _update_intake(mentee, SECRET)
    page = login(Client(), mentor).get(reverse("mentoring:mentorship", args=[mentorship.pk]))
    assert page.status_code == 200
    assert SECRET not in page.content.decode()


def test_a_mentor_the_mentee_blocked_no_longer_reads_their_intake(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    _update_intake(mentee, SECRET)
    page = login(Client(), mentor).get(reverse("mentoring:mentorship", args=[mentorship.pk]))
    assert SECRET in page.content.decode()  # the current mentor does read it
    Block.objects.create(blocker=mentee, blocked=mentor)  # e.g. blocked from a forum post
    page = login(Client(), mentor).get(reverse("mentoring:mentorship", args=[mentorship.pk]))
    assert SECRET not in page.content.decode()


def test_a_former_mentor_cannot_keep_writing_session_topics_the_mentee_reads(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    services.block_in_mentorship(mentorship=mentorship, actor=mentee)
    mentorship.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.log_session(
            mentorship=mentorship,
            mentor=mentor,
            held_on=timezone.localdate(),
            duration_minutes=30,
            topics="I still think about you",
        )
    assert _code(exc) == "ended"
    # The page's form is hidden after the end, but a hand-made POST is refused too.
    response = login(Client(), mentor).post(
        reverse("mentoring:add_session", args=[mentorship.pk]),
        {"held_on": timezone.localdate().isoformat(), "duration_minutes": 30, "topics": "Hi"},
    )
    assert response.status_code == 422
    assert not SessionLog.objects.exists()


# --- Requests -------------------------------------------------------------------------------------


def test_a_mentor_the_mentee_blocked_after_asking_cannot_accept_or_read_the_request(
    mentee: User, mentor: User, make_mentor: Callable[..., User]
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    Block.objects.create(blocker=mentee, blocked=mentor)
    inbox = login(Client(), mentor).get(reverse("mentoring:inbox")).content.decode()
    assert mentee.display_name not in inbox
    with pytest.raises(ValidationError) as exc:
        services.accept_request(req=req, mentor=mentor)
    # The block withdrew it (session 7); before, it stayed pending and accepting was refused.
    assert _code(exc) == "already_answered"
    assert not Mentorship.objects.exists()
    # The dead request does not hold the mentee's one open request until it lapses.
    other = make_mentor()
    services.request_mentor(mentee=mentee, mentor=other)
    assert MentorshipRequest.objects.get(pk=req.pk).status == "withdrawn"


def test_a_request_cannot_be_accepted_once_the_mentee_has_a_mentor(
    mentee: User, mentor: User, make_mentor: Callable[..., User]
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    # Meanwhile another mentorship started (a cohort confirmed in a race with the request).
    Mentorship.objects.create(mentee=mentee, mentor=make_mentor(), status="active")
    with pytest.raises(ValidationError) as exc:
        services.accept_request(req=req, mentor=mentor)
    assert _code(exc) == "has_mentor"
    assert services.status_for(exc.value) == 409
    assert Mentorship.objects.filter(mentee=mentee).count() == 1


# --- Cohorts --------------------------------------------------------------------------------------


@pytest.fixture
def one_pair(admin: User, mentee: User, make_mentor: Callable[..., User]) -> tuple[Any, User, User]:
    mentor = make_mentor(capacity=1)
    run = services.run_cohort(actor=admin)
    assert run.proposal and run.proposal[0][:2] == [mentee.pk, mentor.pk]
    return run, mentee, mentor


def test_confirming_a_cohort_skips_a_pair_blocked_since_the_run(
    admin: User, one_pair: tuple[Any, User, User]
) -> None:
    run, mentee, mentor = one_pair
    Block.objects.create(blocker=mentee, blocked=mentor)
    assert services.confirm_cohort(run=run, actor=admin) == []
    assert not Mentorship.objects.exists()


def test_confirming_a_cohort_skips_a_mentee_who_asked_a_mentor_since_the_run(
    admin: User, one_pair: tuple[Any, User, User], make_mentor: Callable[..., User]
) -> None:
    run, mentee, _mentor = one_pair
    services.request_mentor(mentee=mentee, mentor=make_mentor())
    assert services.confirm_cohort(run=run, actor=admin) == []


def test_confirming_a_cohort_counts_an_accept_that_commits_while_it_waits_for_the_lock(
    admin: User,
    one_pair: tuple[Any, User, User],
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run, _mentee, mentor = one_pair  # the mentor has one place
    someone = make_user()
    real_lock = MentorProfile.objects.select_for_update

    def lock_after_a_concurrent_accept(*args: Any, **kwargs: Any) -> Any:
        # Another mentee's request is accepted and commits while confirm waits for the lock.
        Mentorship.objects.create(mentee=someone, mentor=mentor, status="active")
        return real_lock(*args, **kwargs)

    monkeypatch.setattr(MentorProfile.objects, "select_for_update", lock_after_a_concurrent_accept)
    assert services.confirm_cohort(run=run, actor=admin) == []
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 1


def test_a_cohort_does_not_propose_a_mentor_who_just_declined_the_mentee(
    admin: User, mentee: User, mentor: User
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    services.decline_request(req=req, mentor=mentor)
    run = services.run_cohort(actor=admin)
    assert run.proposal == []
    # After 30 days they may be proposed again, as on the suggestions page.
    MentorshipRequest.objects.update(created_at=timezone.now() - dt.timedelta(days=31))
    assert services.run_cohort(actor=admin).proposal[0][:2] == [mentee.pk, mentor.pk]


# --- Bans -----------------------------------------------------------------------------------------


def test_a_banned_mentor_is_not_suggested_requested_or_matched(
    admin: User, moderator: User, mentee: User, mentor: User
) -> None:
    assert [s.mentor.pk for s in services.suggest_for(member=mentee)] == [mentor.pk]
    safety.take_action(
        member=mentor, moderator=moderator, kind="ban", reason="Harassing members", hours=24
    )
    assert services.suggest_for(member=mentee) == []
    with pytest.raises(ValidationError) as exc:
        services.request_mentor(mentee=mentee, mentor=mentor)
    assert _code(exc) == "ineligible"
    assert services.run_cohort(actor=admin).proposal == []
