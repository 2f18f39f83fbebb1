"""Enrolling a member again: after a withdrawal it starts a new participation (waves from
today, the arm and site chosen now); while enrolled, a different arm or site is refused rather
than silently ignored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.insights import services
from peerhaven.insights.data import data_version
from peerhaven.insights.models import Enrolment

from .programme_data import make_programme as _programme

pytestmark = pytest.mark.django_db


def _consenting(make_user: Callable[..., User]) -> User:
    person = make_user()
    services.set_evaluation_consent(user=person, consent=True)
    return person


def test_enrolling_after_a_withdrawal_starts_a_new_participation(
    admin: User, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin, comparison=True)
    person = _consenting(make_user)
    first = services.enrol_member(
        actor=admin, programme=programme, member=person, arm="comparison", site="North"
    )
    Enrolment.objects.filter(pk=first.pk).update(enrolled_at=timezone.now() - timedelta(days=200))
    first.refresh_from_db()
    services.withdraw(actor=admin, enrolment=first)
    again = services.enrol_member(
        actor=admin, programme=programme, member=person, arm="programme", site="South"
    )
    assert again.pk == first.pk and again.withdrawn_at is None
    assert (again.arm, again.site) == ("programme", "South")
    assert timezone.now() - again.enrolled_at < timedelta(minutes=1)


def test_a_different_arm_while_enrolled_is_refused(
    admin: User, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin, comparison=True)
    person = _consenting(make_user)
    services.enrol_member(actor=admin, programme=programme, member=person, arm="comparison")
    with pytest.raises(ValidationError) as caught:
        services.enrol_member(actor=admin, programme=programme, member=person, arm="programme")
    assert caught.value.code == "already_enrolled"
    # The same choice again is harmless.
    services.enrol_member(actor=admin, programme=programme, member=person, arm="comparison")
    assert Enrolment.objects.get(member=person).arm == "comparison"


def test_linking_groups_changes_the_data_version(admin: User) -> None:
    programme = _programme(admin)
    before = data_version(programme)
    programme.linked = {"groups": [1]}
    programme.save(update_fields=["linked"])
    assert data_version(programme) != before
