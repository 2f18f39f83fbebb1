"""A block made anywhere withdraws pending mentoring requests between the two people, either
way, without telling anyone who blocked whom."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def test_a_mentee_who_blocks_the_mentor_withdraws_their_request(mentee: User, mentor: User) -> None:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    notes_before = Notification.objects.count()

    forums.block_member(blocker=mentee, blocked=mentor)

    req.refresh_from_db()
    assert req.status == "withdrawn" and req.responded_at is not None
    assert Notification.objects.count() == notes_before  # their own act: nobody is told
    inbox = login(Client(), mentor).get(reverse("mentoring:inbox")).content.decode()
    assert mentee.display_name not in inbox


def test_a_mentor_who_blocks_the_mentee_declines_it_as_any_decline_reads(
    mentee: User,
    mentor: User,
    make_mentor: Callable[..., User],
    make_user: Callable[..., User],
    make_intake: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_mentor()  # someone to suggest next
    other = make_user()
    make_intake(other)
    with django_capture_on_commit_callbacks(execute=True):
        req = services.request_mentor(mentee=mentee, mentor=mentor)
        declined = services.request_mentor(mentee=other, mentor=mentor)
        services.decline_request(req=declined, mentor=mentor)
    after_decline = Notification.objects.filter(recipient=other).latest("pk")

    with django_capture_on_commit_callbacks(execute=True):
        forums.block_member(blocker=mentor, blocked=mentee)

    req.refresh_from_db()
    assert req.status == "declined"
    told = Notification.objects.filter(recipient=mentee).latest("pk")
    # Word for word what an ordinary decline says: nothing tells them it was a block.
    assert (told.kind, told.title, told.body, told.url) == (
        after_decline.kind,
        after_decline.title,
        after_decline.body,
        after_decline.url,
    )
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
