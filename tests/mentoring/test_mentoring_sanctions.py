"""A moderator's mute or ban in 1:1 mentoring messages.

A mute silences public spaces, not a mentee's own peer support: a muted mentee can still
write to their mentor. A muted mentor cannot send (they are not in a position to support
someone right now); a ban refuses both. Every refusal says why and until when, and keeps the
text.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.mentoring import services
from peerhaven.mentoring.models import DirectMessage, Mentorship
from peerhaven.safety import services as safety
from peerhaven.safety.permissions import PostingRestrictedError

REASON = "Sharing private details of another member"


def _act(member: User, moderator: User, kind: str) -> None:
    safety.take_action(member=member, moderator=moderator, kind=kind, reason=REASON, hours=24)


def test_a_muted_mentee_can_still_message_their_mentor(
    mentorship: Mentorship, mentee: User, moderator: User
) -> None:
    _act(mentee, moderator, "mute")
    message = services.send_message(mentorship=mentorship, sender=mentee, body="Rough night")
    assert message.pk and not message.held


def test_a_muted_mentor_cannot_send_and_is_told_why(
    mentorship: Mentorship, mentor: User, moderator: User
) -> None:
    _act(mentor, moderator, "mute")
    with pytest.raises(PostingRestrictedError) as caught:
        services.send_message(mentorship=mentorship, sender=mentor, body="How are you?")
    assert caught.value.code == "muted" and REASON in str(caught.value)
    assert not DirectMessage.objects.exists()


def test_a_banned_mentee_cannot_send(mentorship: Mentorship, mentee: User, moderator: User) -> None:
    _act(mentee, moderator, "ban")
    with pytest.raises(PostingRestrictedError) as caught:
        services.send_message(mentorship=mentorship, sender=mentee, body="Hello")
    assert caught.value.code == "banned"


def test_the_page_refuses_a_muted_mentor_with_403_and_keeps_the_text(
    mentorship: Mentorship, mentor: User, moderator: User
) -> None:
    _act(mentor, moderator, "mute")
    client = login(Client(), mentor)
    url = reverse("mentoring:send_message", args=[mentorship.pk])
    page = client.post(url, {"body": "Text worth keeping"})
    assert page.status_code == 403
    html = page.content.decode()
    assert "Text worth keeping" in html and REASON in html
    fetched = client.post(url, {"body": "Sent by fetch"}, headers={"Accept": "application/json"})
    assert fetched.status_code == 403
    assert fetched.json()["error"]["code"] == "muted"
    assert REASON in fetched.json()["error"]["message"]
    assert not DirectMessage.objects.exists()


def test_the_api_refuses_a_muted_mentor_in_the_api_error_shape(
    mentorship: Mentorship, mentor: User, moderator: User
) -> None:
    secret = create_token(user=mentor, name="phone").secret
    _act(mentor, moderator, "mute")
    response = Client().post(
        f"/api/mentoring/mentorships/{mentorship.pk}/messages",
        {"body": "From the app"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "muted"
    assert REASON in response.json()["error"]["message"]


def _profile_fields(mentor: User) -> dict[str, object]:
    profile = mentor.mentor_profile
    return {
        "tags": list(profile.tags.all()),
        "languages": profile.languages,
        "time_zone": profile.time_zone,
        "availability": profile.availability,
        "capacity": profile.capacity,
        "story": profile.story,
    }


def test_a_muted_mentor_keeps_their_profile_but_cannot_publish_a_new_story(
    mentor: User, moderator: User
) -> None:
    _act(mentor, moderator, "mute")
    fields = _profile_fields(mentor)
    services.save_mentor_profile(user=mentor, **{**fields, "capacity": 1})
    with pytest.raises(PostingRestrictedError) as caught:
        services.save_mentor_profile(user=mentor, **{**fields, "story": "Brand new words"})
    assert caught.value.code == "muted"
    mentor.mentor_profile.refresh_from_db()
    assert mentor.mentor_profile.capacity == 1
    assert mentor.mentor_profile.story == fields["story"]


def test_the_profile_page_refuses_a_muted_mentors_new_story_and_keeps_it(
    mentor: User, moderator: User
) -> None:
    _act(mentor, moderator, "mute")
    client = login(Client(), mentor)
    profile = mentor.mentor_profile
    page = client.post(
        reverse("mentoring:mentor_profile"),
        {
            "tags": [t.pk for t in profile.tags.all()],
            "languages": profile.languages,
            "time_zone": profile.time_zone,
            "availability": "Tue 19:00-21:00",
            "capacity": "2",
            "story": "Words worth keeping",
        },
    )
    assert page.status_code == 403
    html = page.content.decode()
    assert "Words worth keeping" in html and REASON in html
