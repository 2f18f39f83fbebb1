"""A session log's topics are words the mentee reads: a mute or ban of the mentor stops them.

A muted mentor cannot message their mentee; the topics of a logged session are shown to the
mentee on the mentorship page, so they are refused the same way (the page and the API say
why and keep what was typed). The log is screened as before.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.mentoring import services
from peerhaven.mentoring.models import Mentorship, SessionLog
from peerhaven.safety import services as safety
from peerhaven.safety.models import RiskAlert
from peerhaven.safety.permissions import PostingRestrictedError

pytestmark = pytest.mark.django_db

REASON = "Sharing private details of another member"


def _mute(person: User, moderator: User) -> None:
    safety.take_action(member=person, moderator=moderator, kind="mute", reason=REASON, hours=24)


def _yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def test_a_muted_mentor_cannot_log_a_session_the_mentee_would_read(
    mentorship: Mentorship, mentor: User, moderator: User
) -> None:
    _mute(mentor, moderator)
    with pytest.raises(PostingRestrictedError) as caught:
        services.log_session(
            mentorship=mentorship,
            mentor=mentor,
            held_on=_yesterday(),
            duration_minutes=45,
            topics="Sleep and routines",
        )
    assert caught.value.code == "muted" and REASON in str(caught.value)
    assert not SessionLog.objects.exists()


def test_a_session_log_with_risk_in_its_topics_still_raises_an_alert(
    mentorship: Mentorship, mentor: User
) -> None:
    log = services.log_session(
        mentorship=mentorship,
        mentor=mentor,
        held_on=_yesterday(),
        duration_minutes=45,
        topics="I want to die.",
    )
    alert = RiskAlert.objects.get(kind="mentoring.session", object_id=str(log.pk))
    assert alert.author == mentor


def test_the_page_refuses_a_muted_mentors_session_log_with_403_and_keeps_it(
    client: Client, mentorship: Mentorship, mentor: User, moderator: User
) -> None:
    _mute(mentor, moderator)
    login(client, mentor)
    response = client.post(
        reverse("mentoring:add_session", args=[mentorship.pk]),
        {
            "held_on": _yesterday().isoformat(),
            "duration_minutes": "45",
            "topics": "Topics worth keeping",
            "private_notes": "Notes worth keeping",
        },
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Topics worth keeping" in html and "Notes worth keeping" in html
    assert REASON in html
    assert not SessionLog.objects.exists()


def test_the_api_refuses_a_muted_mentors_session_log_in_the_api_error_shape(
    client: Client, mentorship: Mentorship, mentor: User, moderator: User
) -> None:
    _mute(mentor, moderator)
    login(client, mentor)
    response = client.post(
        f"/api/mentoring/mentorships/{mentorship.pk}/sessions",
        {
            "held_on": _yesterday().isoformat(),
            "duration_minutes": 45,
            "topics": "From the app",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "muted"
    assert REASON in response.json()["error"]["message"]
    assert not SessionLog.objects.exists()
