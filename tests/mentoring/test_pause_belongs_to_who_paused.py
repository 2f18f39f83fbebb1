"""A pause is the choice of the person who made it: only they resume it (the other person
could otherwise end someone's break and message them at once)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.mentoring import services
from peerhaven.mentoring.models import Mentorship, MentorshipStatus
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_only_the_person_who_paused_resumes(
    mentorship: Mentorship, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    services.pause_mentorship(mentorship=mentorship, actor=mentee)
    with pytest.raises(ValidationError) as caught:
        services.resume_mentorship(mentorship=mentorship, actor=mentor)
    assert caught.value.code == "paused_by_other"
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_mentorship(mentorship=mentorship, actor=mentee)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE and mentorship.paused_by is None
    # The other person is told it is back on.
    assert Notification.objects.filter(recipient=mentor, title__contains="resumed").exists()


def test_the_page_offers_resume_only_to_who_paused(
    client: Client, mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    services.pause_mentorship(mentorship=mentorship, actor=mentee)
    url = reverse("mentoring:mentorship", args=[mentorship.pk])
    login(client, mentor)
    page = client.get(url).content.decode()
    assert "they can resume it when they are ready" in page
    assert "'resume' %}" not in page and "/resume/" not in page
    # A hand-made POST is refused too, and says why.
    response = client.post(
        reverse("mentoring:change_state", args=[mentorship.pk, "resume"]), follow=True
    )
    assert "only they can resume it" in response.content.decode()
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED
    login(client, mentee)
    assert "Resume" in client.get(url).content.decode()


def test_the_api_refuses_the_other_persons_resume(
    client: Client, mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    from peerhaven.accounts.services import create_token

    services.pause_mentorship(mentorship=mentorship, actor=mentee)
    token = create_token(user=mentor, name="test").secret
    response = client.post(
        f"/api/mentoring/mentorships/{mentorship.pk}/state",
        {"action": "resume"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "paused_by_other"
    # Clients can know beforehand: the mentorship says who paused it.
    listed = client.get(
        f"/api/mentoring/mentorships/{mentorship.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert listed.json()["paused_by_id"] == mentee.pk


def test_the_data_export_says_who_paused(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    from peerhaven.accounts.privacy import export_member_data

    services.pause_mentorship(mentorship=mentorship, actor=mentee)
    mine = export_member_data(user=mentee)["mentoring"]["mentorships"][0]
    theirs = export_member_data(user=mentor)["mentoring"]["mentorships"][0]
    assert (mine["paused_by_me"], theirs["paused_by_me"]) == (True, False)
