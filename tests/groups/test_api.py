"""The groups API: directory, join/leave, meetings, RSVP, attendance, with outsider cases."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import services
from peerhaven.groups.models import (
    Facilitator,
    JoinPolicy,
    Meeting,
    MeetingStatus,
    SupportGroup,
)

pytestmark = pytest.mark.django_db


def test_directory_needs_authentication(client: Client, group: SupportGroup) -> None:
    assert client.get("/api/groups/").status_code == 401


def test_directory_lists_groups_with_seats_and_my_status(
    client: Client, group: SupportGroup, member: User
) -> None:
    login(client, member)
    items = client.get("/api/groups/").json()["items"]
    assert items[0]["name"] == "Evening Circle"
    assert items[0]["seats_left"] == 9
    assert items[0]["my_status"] == "active"
    assert items[0]["facilitators"][0]["name"] == "Gentle Beacon"


def test_directory_query_count_is_constant(
    client: Client,
    make_group: Callable[..., SupportGroup],
    facilitator: User,
    member: User,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    for _ in range(40):
        Facilitator.objects.create(group=make_group(), user=facilitator)
    login(client, member)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert len(client.get("/api/groups/?limit=50").json()["items"]) == 40


def test_join_needs_the_agreement_then_works(
    client: Client, group: SupportGroup, outsider: User
) -> None:
    login(client, outsider)
    url = f"/api/groups/{group.pk}/join"
    r = client.post(url, {}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "agreement_required"
    r = client.post(url, {"accept_agreement": True}, content_type="application/json")
    assert r.status_code == 200
    assert r.json()["status"] == "active"
    assert client.post(f"/api/groups/{group.pk}/leave").status_code == 204


def test_join_a_full_group_is_a_conflict(
    client: Client, make_group: Callable[..., SupportGroup], outsider: User, member: User
) -> None:
    g = make_group(capacity=1)
    services.join_group(group=g, user=member, accept_agreement=True)
    login(client, outsider)
    r = client.post(
        f"/api/groups/{g.pk}/join", {"accept_agreement": True}, content_type="application/json"
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "full"


def test_join_a_closed_group_without_invitation_is_a_conflict(
    client: Client, group: SupportGroup, outsider: User
) -> None:
    group.join_policy = JoinPolicy.CLOSED
    group.save()
    login(client, outsider)
    r = client.post(
        f"/api/groups/{group.pk}/join", {"accept_agreement": True}, content_type="application/json"
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "invitation_required"


def test_missing_group_is_404(client: Client, member: User) -> None:
    login(client, member)
    assert client.get("/api/groups/999999").status_code == 404


def test_meetings_are_for_participants_only(
    client: Client, group: SupportGroup, meeting: Meeting, member: User, outsider: User
) -> None:
    login(client, outsider)
    assert client.get(f"/api/groups/{group.pk}/meetings").status_code == 404
    login(client, member)
    data = client.get(f"/api/groups/{group.pk}/meetings").json()
    assert [m["id"] for m in data] == [meeting.pk]


def test_rsvp_and_cancelled_meeting(
    client: Client, meeting: Meeting, member: User, outsider: User
) -> None:
    url = f"/api/groups/meetings/{meeting.pk}/rsvp"
    login(client, outsider)
    assert client.post(url, {"response": "yes"}, content_type="application/json").status_code == 404
    login(client, member)
    r = client.post(url, {"response": "maybe"}, content_type="application/json")
    assert r.json() == {"meeting": meeting.pk, "response": "maybe"}
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    r = client.post(url, {"response": "yes"}, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "cancelled"


def test_attendance_for_facilitators_not_members(
    client: Client, meeting: Meeting, member: User, facilitator: User, outsider: User
) -> None:
    url = f"/api/groups/meetings/{meeting.pk}/attendance"
    for person in (member, outsider):
        login(client, person)
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"user_ids": [person.pk]}, content_type="application/json").status_code
            == 404
        )
    login(client, facilitator)
    r = client.post(url, {"user_ids": [member.pk]}, content_type="application/json")
    assert r.status_code == 200
    assert r.json()[0]["user"]["name"] == "Quiet Harbor"
    assert client.get(url).json()[0]["source"] == "manual"
