"""Pronouns and bio are public words: a moderator's mute or ban stops new ones.

Every member can read a profile, so a muted member cannot publish a new bio (as a muted
mentor cannot publish a new story). Clearing it, or changing only the display name, stays
possible. Every refusal says why and keeps what was typed (403, never 500).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts import services
from peerhaven.accounts.models import User
from peerhaven.safety import services as safety
from peerhaven.safety.permissions import PostingRestrictedError

pytestmark = pytest.mark.django_db

REASON = "Advertising in the evening board"


def _mute(member: User, moderator: User) -> None:
    safety.take_action(member=member, moderator=moderator, kind="mute", reason=REASON, hours=24)


def test_a_muted_member_cannot_publish_a_new_bio(member: User, moderator: User) -> None:
    services.update_profile(user=member, display_name=member.display_name, bio="Tea and walks")
    _mute(member, moderator)
    with pytest.raises(PostingRestrictedError) as caught:
        services.update_profile(user=member, display_name=member.display_name, bio="New words")
    assert caught.value.code == "muted" and REASON in str(caught.value)
    with pytest.raises(PostingRestrictedError):
        services.update_profile(
            user=member, display_name=member.display_name, pronouns="she/her", bio="Tea and walks"
        )
    member.refresh_from_db()
    assert (member.pronouns, member.bio) == ("", "Tea and walks")


def test_a_muted_member_can_still_clear_their_bio_and_change_their_name(
    member: User, moderator: User
) -> None:
    services.update_profile(user=member, display_name=member.display_name, bio="Tea and walks")
    _mute(member, moderator)
    services.update_profile(user=member, display_name="Calm Meadow", bio="Tea and walks")
    services.update_profile(user=member, display_name="Calm Meadow", bio="")
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Calm Meadow", "")


def test_the_profile_page_refuses_a_muted_members_new_bio_and_keeps_it(
    client: Client, member: User, moderator: User
) -> None:
    _mute(member, moderator)
    login(client, member)
    response = client.post(
        reverse("accounts:profile"),
        {
            "form": "profile",
            "display_name": member.display_name,
            "pronouns": "",
            "bio": "Words worth keeping",
        },
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Words worth keeping" in html and REASON in html
    member.refresh_from_db()
    assert member.bio == ""


def test_the_api_refuses_a_muted_members_new_bio_in_the_api_error_shape(
    client: Client, member: User, moderator: User
) -> None:
    _mute(member, moderator)
    login(client, member)
    response = client.patch(
        "/api/me/profile", {"bio": "From the app"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "muted"
    assert REASON in response.json()["error"]["message"]
    member.refresh_from_db()
    assert member.bio == ""


def test_a_muted_member_can_clear_their_bio_while_keeping_their_pronouns(
    member: User, moderator: User
) -> None:
    services.update_profile(
        user=member, display_name=member.display_name, pronouns="they/them", bio="Tea and walks"
    )
    _mute(member, moderator)
    services.update_profile(
        user=member, display_name=member.display_name, pronouns="they/them", bio=""
    )
    member.refresh_from_db()
    assert (member.pronouns, member.bio) == ("they/them", "")
