"""The mentoring API: the same journey as the pages, error codes, and outsiders on every endpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.mentoring import services
from peerhaven.mentoring.models import CaseloadEntry, Mentorship, MentorshipRequest

pytestmark = pytest.mark.django_db
API = "/api/mentoring"


class Api:
    def __init__(self, user: User) -> None:
        self.client = Client()
        if user.holds_staff_role:
            # Staff endpoints need a two-factor session; API tokens are refused there.
            self.client.force_login(user)
            self.headers: dict[str, str] = {}
        else:
            self.headers = {
                "HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='t').secret}"
            }

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            API + path, body or {}, content_type="application/json", **self.headers
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(API + path, body, content_type="application/json", **self.headers)


def test_intake_suggestions_request_accept_message_goal_and_end(
    member: User, make_mentor: Callable[..., User]
) -> None:
    mentors = [make_mentor() for _ in range(3)]
    me = Api(member)
    assert me.get("/intake").status_code == 404
    put = me.put(
        "/intake",
        {
            "support_text": "Looking for someone who has been a carer.",
            "tags": ["bereavement", "carer"],
            "priority_tags": ["bereavement"],
            "languages": ["en"],
            "time_zone": "Europe/London",
            "availability": [[0, 1080, 1260]],
        },
    )
    assert put.status_code == 200, put.content
    found = me.get("/suggestions").json()
    assert len(found) == 3
    assert next(c["name"] for c in found[0]["components"]) == "shared_experience"
    assert all(c["explanation"] for c in found[0]["components"])

    chosen = found[0]["mentor_id"]
    created = me.post("/requests", {"mentor_id": chosen})
    assert created.status_code == 201
    again = me.post("/requests", {"mentor_id": chosen})
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate"

    mentor = next(m for m in mentors if m.pk == chosen)
    them = Api(mentor)
    inbox = them.get("/requests/inbox").json()
    assert [r["mentee_id"] for r in inbox] == [member.pk]
    accepted = them.post(f"/requests/{inbox[0]['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    twice = them.post(f"/requests/{inbox[0]['id']}/accept")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_answered"

    mid = accepted.json()["id"]
    assert me.post(f"/mentorships/{mid}/messages", {"body": "Hello"}).status_code == 201
    assert [m["body"] for m in them.get(f"/mentorships/{mid}/messages").json()] == ["Hello"]

    bad_goal = me.post(f"/mentorships/{mid}/goals", {"title": "Walk", "steps": []})
    assert bad_goal.status_code == 422 and bad_goal.json()["error"]["code"] == "empty_steps"
    goal = me.post(f"/mentorships/{mid}/goals", {"title": "Walk", "steps": ["Shoes", "Park"]})
    assert goal.status_code == 201
    step_id = goal.json()["steps"][0]["id"]
    assert me.post(f"/steps/{step_id}", {"done": True}).json()["progress"] == 50
    assert them.get(f"/mentorships/{mid}/goals").json()[0]["progress"] == 50

    ended = them.post(
        f"/mentorships/{mid}/state", {"action": "end", "reason": "no_time", "helpfulness": 4}
    )
    assert ended.json()["status"] == "ended" and ended.json()["rematch_offered"]
    late = me.post(f"/mentorships/{mid}/messages", {"body": "Still there?"})
    assert late.status_code == 422 and late.json()["error"]["code"] == "ended"


def test_requesting_a_full_or_untrained_mentor_or_oneself_gives_clear_errors(
    mentee: User, make_mentor: Callable[..., User]
) -> None:
    me = Api(mentee)
    full = make_mentor(capacity=0)
    lapsed = make_mentor(trained=False)
    assert me.post("/requests", {"mentor_id": full.pk}).json()["error"]["code"] == "at_capacity"
    assert (
        me.post("/requests", {"mentor_id": lapsed.pk}).json()["error"]["code"] == "training_expired"
    )
    assert me.post("/requests", {"mentor_id": mentee.pk}).json()["error"]["code"] == "self"
    assert not MentorshipRequest.objects.exists()


def test_an_outsider_gets_404_on_every_mentorship_endpoint(
    mentorship: Mentorship, mentee: User, outsider: User
) -> None:
    goal = services.create_goal(mentorship=mentorship, owner=mentee, title="x", steps=["y"])
    msg = services.send_message(mentorship=mentorship, sender=mentee, body="hi")
    req = MentorshipRequest.objects.get()
    api = Api(outsider)
    mid = mentorship.pk
    assert api.get(f"/mentorships/{mid}").status_code == 404
    assert api.get(f"/mentorships/{mid}/messages").status_code == 404
    assert api.get(f"/mentorships/{mid}/goals").status_code == 404
    assert api.get(f"/mentorships/{mid}/sessions").status_code == 404
    for path, body in [
        (f"/mentorships/{mid}/messages", {"body": "x"}),
        (f"/mentorships/{mid}/state", {"action": "pause"}),
        (f"/mentorships/{mid}/goals", {"title": "x", "steps": ["y"]}),
        (
            f"/mentorships/{mid}/sessions",
            {"held_on": "2026-01-01", "duration_minutes": 5, "topics": "x"},
        ),
        (f"/steps/{goal.steps.get().pk}", {"done": True}),
        (f"/messages/{msg.pk}/report", {"reason": "x"}),
        (f"/requests/{req.pk}/accept", {}),
        (f"/requests/{req.pk}/decline", {}),
        (f"/requests/{req.pk}/withdraw", {}),
    ]:
        assert api.post(path, body).status_code == 404, path
    assert api.get("/mentorships").json()["items"] == []
    assert api.get("/requests/inbox").json() == []
    assert api.get("/profile").status_code == 404


def test_outsiders_cannot_keep_profiles_log_services_or_see_totals(
    outsider: User, mentor: User, member: User
) -> None:
    api = Api(outsider)
    profile = {
        "languages": ["en"],
        "time_zone": "UTC",
        "availability": [],
        "capacity": 1,
    }
    assert api.put("/profile", profile).status_code == 403
    case = services.open_case(specialist=mentor, member=member)
    body = {
        "case_id": case.pk,
        "service_type": "accompaniment",
        "delivered_on": timezone.localdate().isoformat(),
        "duration_minutes": 30,
        "outcome": "completed",
    }
    assert api.post("/services", body).status_code == 404
    assert api.get("/services/totals", start="2026-01-01", end="2026-12-31").status_code == 403
    assert api.get("/services/mine").json()["items"] == []


def test_a_specialist_logs_a_service_the_member_sees_it_and_an_admin_sees_totals(
    mentor: User, member: User, admin: User
) -> None:
    case = services.open_case(specialist=mentor, member=member)
    today = timezone.localdate()
    logged = Api(mentor).post(
        "/services",
        {
            "case_id": case.pk,
            "service_type": "accompaniment",
            "delivered_on": today.isoformat(),
            "duration_minutes": 90,
            "outcome": "completed",
        },
    )
    assert logged.status_code == 201
    mine = Api(member).get("/services/mine").json()["items"]
    assert [s["service_type"] for s in mine] == ["accompaniment"]
    totals = Api(admin).get(
        "/services/totals",
        start=(today - dt.timedelta(days=7)).isoformat(),
        end=today.isoformat(),
    )
    row = next(t for t in totals.json() if t["service_type"] == "accompaniment")
    assert row == {"service_type": "accompaniment", "deliveries": 1, "minutes": 90, "members": None}
    assert CaseloadEntry.objects.count() == 1


def test_session_private_notes_are_hidden_from_the_mentee_in_the_api(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    services.log_session(
        mentorship=mentorship,
        mentor=mentor,
        held_on=timezone.localdate(),
        duration_minutes=20,
        topics="Work stress",
        private_notes="secret",
    )
    assert (
        Api(mentee).get(f"/mentorships/{mentorship.pk}/sessions").json()[0]["private_notes"] is None
    )
    assert (
        Api(mentor).get(f"/mentorships/{mentorship.pk}/sessions").json()[0]["private_notes"]
        == "secret"
    )


def test_a_peer_supporter_puts_their_profile_and_pauses(peer_supporter: User) -> None:
    api = Api(peer_supporter)
    put = api.put(
        "/profile",
        {
            "tags": ["carer", "job-loss"],
            "languages": ["en", "FR"],
            "time_zone": "Europe/Paris",
            "availability": [[5, 600, 720]],
            "capacity": 2,
            "story": "Caring for my mum taught me a lot.",
        },
    )
    assert put.status_code == 200, put.content
    assert put.json()["languages"] == ["en", "fr"]
    assert api.put("/profile", {**put.json(), "tags": ["nope"]}).status_code == 422
    assert api.post("/profile/pause", {"paused": True}).json()["paused"] is True


def test_list_endpoints_make_a_constant_number_of_queries(
    mentorship: Mentorship, mentee: User, mentor: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(40):
        services.send_message(
            mentorship=mentorship, sender=mentee if i % 2 else mentor, body=f"m{i}"
        )
        services.create_goal(mentorship=mentorship, owner=mentee, title=f"g{i}", steps=["a", "b"])
    api = Api(mentee)
    for path in (
        "/mentorships",
        f"/mentorships/{mentorship.pk}/messages",
        f"/mentorships/{mentorship.pk}/goals",
        "/services/mine",
    ):
        with django_assert_max_num_queries(12):
            assert api.get(path).status_code == 200, path


def test_members_see_a_peer_supporters_public_profile_only(
    mentor: User, member: User, outsider: User
) -> None:
    public = Api(member).get(f"/profiles/{mentor.pk}").json()
    assert public["story"] and public["availability"] == []
    assert Api(mentor).get(f"/profiles/{mentor.pk}").json()["availability"]
    assert Api(outsider).get(f"/profiles/{member.pk}").status_code == 404


def test_a_specialist_sees_their_caseload_and_others_do_not(
    mentor: User, member: User, outsider: User
) -> None:
    services.open_case(specialist=mentor, member=member)
    rows = Api(mentor).get("/caseload").json()
    assert [r["member_id"] for r in rows] == [member.pk]
    assert Api(outsider).get("/caseload").status_code == 403


def test_message_reads_through_the_api_share_the_pages_poll_budget(
    mentorship: Mentorship, mentee: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from django.urls import reverse

    from peerhaven.accounts import ratelimit
    from peerhaven.mentoring import queries

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000.0))
    monkeypatch.setattr(queries, "POLL_LIMIT", 2)
    api = Api(mentee)
    page = Client()
    page.force_login(mentee)
    assert page.get(reverse("mentoring:messages_json", args=[mentorship.pk])).status_code == 200
    assert api.get(f"/mentorships/{mentorship.pk}/messages").status_code == 200
    refused = api.get(f"/mentorships/{mentorship.pk}/messages")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 20
