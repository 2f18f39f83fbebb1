"""Review (session 6): bad input through the API gets a clear 422, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.mentoring import services
from peerhaven.mentoring.models import DirectMessage, Goal, MenteeIntake, Mentorship

pytestmark = pytest.mark.django_db
API = "/api/mentoring"


def _api(user: User) -> Client:
    token = create_token(user=user, name="t").secret
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})


def _intake(**changes: Any) -> dict[str, Any]:
    return {
        "languages": ["en"],
        "time_zone": "Europe/London",
        "availability": [[0, 1080, 1200]],
        **changes,
    }


@pytest.mark.parametrize("bad", ["hello \ud800 there", "hello \x00 there"])
def test_text_that_cannot_be_stored_is_refused_with_a_clear_error(
    mentorship: Mentorship, mentee: User, bad: str
) -> None:
    # The API's parser refuses these in JSON bodies; the services refuse them for every caller
    # (a lone surrogate cannot be encoded; PostgreSQL refuses NUL in text).
    with pytest.raises(ValidationError) as exc:
        services.send_message(mentorship=mentorship, sender=mentee, body=bad)
    assert services.error_code(exc.value) == "bad_text"
    with pytest.raises(ValidationError):
        services.create_goal(mentorship=mentorship, owner=mentee, title=bad, steps=["one"])
    with pytest.raises(ValidationError):
        services.save_intake(
            member=mentee,
            support_text="",
            tags=[],
            languages=["en"],
            preferred_gender=bad,
            time_zone="Europe/London",
            availability=[[0, 1080, 1200]],
        )
    assert not DirectMessage.objects.exists() and not Goal.objects.exists()


@pytest.mark.parametrize("zone", ["America", "Etc", "a" * 300])
def test_a_time_zone_that_is_a_folder_or_too_long_is_refused_with_422(
    member: User, zone: str
) -> None:
    client = _api(member)
    response = client.put(f"{API}/intake", _intake(time_zone=zone), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_time_zone"


def test_thousands_of_availability_windows_are_refused(member: User) -> None:
    client = _api(member)
    minute_windows = [[day, m, m + 1] for day in range(7) for m in range(0, 1438, 2)]
    response = client.put(
        f"{API}/intake",
        _intake(availability=minute_windows),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_many_windows"
    assert not MenteeIntake.objects.exists()
    week = [[day, 18 * 60, 20 * 60] for day in range(7)] * 8  # the most allowed
    assert len(services._validate_windows(week)) == services.MAX_WINDOWS
