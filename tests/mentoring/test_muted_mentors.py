"""A mentor under a moderator's mute cannot write to a mentee (``send_message``), so they are
not suggested, requested, matched or able to accept while it lasts; a muted *mentee* keeps
being matched (a mute silences public spaces, not their own support)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from peerhaven.accounts.models import User
from peerhaven.mentoring import services
from peerhaven.safety import services as safety

pytestmark = pytest.mark.django_db


def _mute(person: User, moderator: User) -> None:
    safety.take_action(member=person, moderator=moderator, kind="mute", reason="Rude", hours=24)


def test_a_muted_mentor_is_not_suggested_requested_or_matched(
    admin: User, moderator: User, mentee: User, mentor: User
) -> None:
    assert [s.mentor.pk for s in services.suggest_for(member=mentee)] == [mentor.pk]
    _mute(mentor, moderator)
    assert services.suggest_for(member=mentee) == []
    with pytest.raises(ValidationError) as caught:
        services.request_mentor(mentee=mentee, mentor=mentor)
    assert caught.value.code == "ineligible"
    assert services.run_cohort(actor=admin).proposal == []


def test_a_muted_mentor_cannot_accept_a_waiting_request(
    moderator: User, mentee: User, mentor: User
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    _mute(mentor, moderator)
    with pytest.raises(PermissionDenied):
        services.accept_request(req=req, mentor=mentor)


def test_a_muted_mentee_is_still_matched(
    admin: User, moderator: User, mentee: User, mentor: User
) -> None:
    _mute(mentee, moderator)
    assert [s.mentor.pk for s in services.suggest_for(member=mentee)] == [mentor.pk]
    assert services.run_cohort(actor=admin).proposal[0][:2] == [mentee.pk, mentor.pk]
