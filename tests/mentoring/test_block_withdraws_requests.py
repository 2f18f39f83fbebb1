"""A block made anywhere withdraws pending mentoring requests between the two people, either
way, without telling anyone who blocked whom."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import services as forums
from peerhaven.mentoring import services
from peerhaven.mentoring.models import MentorshipRequest
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who_blocks", ["mentee", "mentor"])
def test_a_forum_block_either_way_withdraws_the_pending_request(
    mentee: User, mentor: User, who_blocks: str
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    notes_before = Notification.objects.count()
    blocker, blocked = (mentee, mentor) if who_blocks == "mentee" else (mentor, mentee)

    forums.block_member(blocker=blocker, blocked=blocked)

    req.refresh_from_db()
    assert req.status == "withdrawn" and req.responded_at is not None
    assert Notification.objects.count() == notes_before  # nobody is told of the block
    inbox = login(Client(), mentor).get(reverse("mentoring:inbox")).content.decode()
    assert mentee.display_name not in inbox


def test_other_requests_and_blocks_of_other_people_are_untouched(
    mentee: User, mentor: User, make_user: Callable[..., User]
) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    forums.block_member(blocker=mentee, blocked=make_user())
    forums.block_member(blocker=mentor, blocked=make_user())

    req.refresh_from_db()
    assert req.status == "pending"


def test_the_mentee_can_ask_someone_else_at_once_after_blocking(
    mentee: User, mentor: User, make_mentor: Callable[..., User]
) -> None:
    services.request_mentor(mentee=mentee, mentor=mentor)
    forums.block_member(blocker=mentor, blocked=mentee)

    other = services.request_mentor(mentee=mentee, mentor=make_mentor())

    assert other.status == "pending"
    assert MentorshipRequest.objects.filter(mentee=mentee, status="pending").count() == 1
