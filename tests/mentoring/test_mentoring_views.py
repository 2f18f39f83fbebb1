"""Mentoring pages: the journey a member and a mentor take, outsiders, notes, query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import AuditEvent, Role, User
from peerhaven.mentoring import services
from peerhaven.mentoring.models import (
    CaseloadEntry,
    DirectMessage,
    Goal,
    GoalStep,
    MenteeIntake,
    Mentorship,
    MentorshipRequest,
    ServiceType,
)

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    return login(Client(), user)


def test_a_member_completes_intake_and_sees_three_explained_suggestions(
    member: User, make_mentor: Callable[..., User], tags: dict[str, Any]
) -> None:
    for _ in range(4):
        make_mentor()
    client = _client(member)
    assert client.get(reverse("mentoring:intake")).status_code == 200
    response = client.post(
        reverse("mentoring:intake"),
        {
            "support_text": "I lost my dad last year.",
            "tags": [tags["bereavement"].pk],
            "priority_tags": [tags["bereavement"].pk],
            "languages": ["en"],
            "time_zone": "Europe/London",
            "availability": "Mon 18:00-21:00; Wed 18:00-21:00",
        },
    )
    assert response.status_code == 302
    assert MenteeIntake.objects.get(member=member).availability == [
        [0, 1080, 1260],
        [2, 1080, 1260],
    ]
    page = client.get(reverse("mentoring:suggestions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="card suggestion"') == 3
    assert "Has lived experience" in html
    assert "hours a week" in html


def test_the_intake_form_explains_unreadable_availability(member: User) -> None:
    client = _client(member)
    response = client.post(
        reverse("mentoring:intake"),
        {"languages": ["en"], "time_zone": "UTC", "availability": "whenever"},
    )
    assert response.status_code == 200
    assert "Mon 18:00-20:00" in response.content.decode()
    assert not MenteeIntake.objects.exists()


def test_suggestions_without_an_intake_lead_to_the_intake(member_client: Client) -> None:
    response = member_client.get(reverse("mentoring:suggestions"))
    assert response.status_code == 302 and response["Location"] == reverse("mentoring:intake")


def test_request_accept_message_goal_and_end_through_the_pages(mentee: User, mentor: User) -> None:
    m_client, p_client = _client(mentee), _client(mentor)
    m_client.post(reverse("mentoring:request", args=[mentor.pk]))
    req = MentorshipRequest.objects.get()
    inbox = p_client.get(reverse("mentoring:inbox"))
    assert mentee.display_name in inbox.content.decode()
    response = p_client.post(reverse("mentoring:answer", args=[req.pk, "accept"]))
    m = Mentorship.objects.get()
    assert response["Location"] == reverse("mentoring:mentorship", args=[m.pk])
    # Accepting twice shows a clear error rather than a second mentorship.
    again = p_client.post(reverse("mentoring:answer", args=[req.pk, "accept"]), follow=True)
    assert "already been answered" in again.content.decode()
    assert Mentorship.objects.count() == 1

    m_client.post(reverse("mentoring:send_message", args=[m.pk]), {"body": "Hello!"})
    sent = p_client.post(
        reverse("mentoring:send_message", args=[m.pk]),
        {"body": "Hi, glad to meet you"},
        HTTP_ACCEPT="application/json",
    )
    assert sent.status_code == 201 and sent.json()["message"]["mine"]
    first_id = DirectMessage.objects.order_by("pk").first().pk  # type: ignore[union-attr]
    polled = m_client.get(
        reverse("mentoring:messages_json", args=[m.pk]), {"after": first_id}
    ).json()
    assert [x["body"] for x in polled["messages"]] == ["Hi, glad to meet you"]

    m_client.post(
        reverse("mentoring:add_goal", args=[m.pk]),
        {"title": "Sleep better", "steps": "Phone out of the bedroom\nBed by 11"},
    )
    step = GoalStep.objects.order_by("position").first()
    assert step is not None
    m_client.post(reverse("mentoring:step_done", args=[step.pk]))
    page = p_client.get(reverse("mentoring:mentorship", args=[m.pk])).content.decode()
    assert "Sleep better" in page and "50% done" in page

    end = m_client.post(
        reverse("mentoring:end", args=[m.pk]),
        {"helpfulness": "5", "reason": "goals_met", "comment": "Thank you."},
    )
    assert end.status_code == 302
    m.refresh_from_db()
    assert m.status == "ended" and m.ended_by == mentee
    refused = m_client.post(
        reverse("mentoring:send_message", args=[m.pk]),
        {"body": "one more"},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "ended"


def test_goals_with_empty_steps_show_an_error_and_save_nothing(
    mentorship: Mentorship, mentee: User
) -> None:
    response = _client(mentee).post(
        reverse("mentoring:add_goal", args=[mentorship.pk]),
        {"title": "Sleep better", "steps": "   "},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "at least one step" in html
    # Nothing lost: the title is still in the form.
    assert 'value="Sleep better"' in html
    assert not Goal.objects.exists()


def test_private_notes_are_for_the_mentor_and_their_supervisor_only(
    mentorship: Mentorship,
    mentee: User,
    mentor: User,
    admin: User,
    make_user: Callable[..., User],
) -> None:
    supervisor = make_user(display_name="Wise Oak", roles=(Role.PEER_SUPPORTER,))
    services.assign_supervisor(mentor=mentor, supervisor=supervisor, actor=admin)
    services.log_session(
        mentorship=mentorship,
        mentor=mentor,
        held_on=timezone.localdate(),
        duration_minutes=30,
        topics="Routines",
        private_notes="NOTE-FOR-SUPERVISION",
    )
    url = reverse("mentoring:mentorship", args=[mentorship.pk])
    assert "NOTE-FOR-SUPERVISION" in _client(mentor).get(url).content.decode()
    mentee_page = _client(mentee).get(url).content.decode()
    assert "Routines" in mentee_page and "NOTE-FOR-SUPERVISION" not in mentee_page
    sup = supervisor.supervisees.get()
    page = _client(supervisor).get(reverse("mentoring:supervisee", args=[sup.pk]))
    assert "NOTE-FOR-SUPERVISION" in page.content.decode()
    assert AuditEvent.objects.filter(action="mentoring.notes.read", actor=supervisor).exists()
    # An admin is not the supervisor and does not see the notes either.
    assert _client(admin).get(reverse("mentoring:supervisee", args=[sup.pk])).status_code == 404


def test_an_outsider_gets_404_on_every_page_of_someone_elses_mentorship(
    mentorship: Mentorship, mentee: User, outsider: User
) -> None:
    goal = services.create_goal(mentorship=mentorship, owner=mentee, title="x", steps=["y"])
    msg = services.send_message(mentorship=mentorship, sender=mentee, body="hi")
    req = MentorshipRequest.objects.get()
    client = _client(outsider)
    pk = mentorship.pk
    gets = [
        reverse("mentoring:mentorship", args=[pk]),
        reverse("mentoring:messages_json", args=[pk]),
        reverse("mentoring:end", args=[pk]),
    ]
    posts = [
        reverse("mentoring:send_message", args=[pk]),
        reverse("mentoring:add_goal", args=[pk]),
        reverse("mentoring:add_session", args=[pk]),
        reverse("mentoring:change_state", args=[pk, "pause"]),
        reverse("mentoring:change_state", args=[pk, "block"]),
        reverse("mentoring:end", args=[pk]),
        reverse("mentoring:step_done", args=[goal.steps.get().pk]),
        reverse("mentoring:report_message", args=[msg.pk]),
        reverse("mentoring:answer", args=[req.pk, "accept"]),
        reverse("mentoring:withdraw", args=[req.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"body": "x", "reason": "x"}).status_code == 404, url
    assert Mentorship.objects.get(pk=pk).status == "active"


def test_an_outsider_member_gets_404_on_staff_and_peer_pages(outsider: User) -> None:
    client = _client(outsider)
    for name, args in [
        ("mentoring:inbox", []),
        ("mentoring:mentor_profile", []),
        ("mentoring:supervision", []),
        ("mentoring:caseload", []),
        ("mentoring:cohort", []),
        ("mentoring:service_totals", []),
        ("mentoring:admin_mentor", [outsider.pk]),
        ("mentoring:admin_mentors", []),
        ("mentoring:cohort_run", [1]),
        ("mentoring:case", [1]),
        ("mentoring:supervisee", [1]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_pages_need_sign_in(client: Client) -> None:
    for name in ("mentoring:index", "mentoring:intake", "mentoring:suggestions"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_member_pages_render(member_client: Client) -> None:
    for name in ("mentoring:index", "mentoring:intake", "mentoring:my_services"):
        assert member_client.get(reverse(name)).status_code == 200, name


def test_a_peer_supporter_edits_their_profile_pauses_and_checks_in(
    peer_supporter: User, tags: dict[str, Any]
) -> None:
    client = _client(peer_supporter)
    assert client.get(reverse("mentoring:mentor_profile")).status_code == 200
    response = client.post(
        reverse("mentoring:mentor_profile"),
        {
            "tags": [tags["student"].pk],
            "languages": ["en", "es"],
            "time_zone": "America/New_York",
            "availability": "Tue 19:00-21:00",
            "capacity": "3",
            "story": "University was hard; I learned to ask for help.",
        },
    )
    assert response.status_code == 302
    profile = peer_supporter.mentor_profile
    profile.refresh_from_db()
    assert profile.capacity == 3 and profile.languages == ["en", "es"]
    client.post(reverse("mentoring:pause"), {"paused": "1"})
    profile.refresh_from_db()
    assert profile.paused
    client.post(reverse("mentoring:wellbeing"), {"feeling": "2", "note": ""})
    assert peer_supporter.wellbeing_checkins.count() == 1


def test_an_admin_records_training_and_assigns_a_supervisor(
    admin_client: Client, mentor: User, make_user: Callable[..., User]
) -> None:
    supervisor = make_user(display_name="Calm River")
    url = reverse("mentoring:admin_mentor", args=[mentor.pk])
    assert admin_client.get(url).status_code == 200
    today = timezone.localdate()
    admin_client.post(
        url,
        {
            "course": "Refresher",
            "completed_on": today.isoformat(),
            "trainer": "Ana",
            "expires_on": (today + dt.timedelta(days=365)).isoformat(),
        },
    )
    assert mentor.training_records.filter(course="Refresher").exists()
    admin_client.post(url, {"supervisor": "Calm River"})
    assert mentor.supervisions.get().supervisor == supervisor


def test_an_admin_runs_reviews_and_confirms_cohort_matching(
    admin_client: Client, make_user: Callable[..., User], make_mentor: Any, make_intake: Any
) -> None:
    make_mentor(capacity=2)
    for _ in range(2):
        make_intake(make_user())
    response = admin_client.post(reverse("mentoring:cohort"), {"min_score": "0"})
    assert response.status_code == 302
    review = admin_client.get(response["Location"]).content.decode()
    assert 'id="optimal-total"' in review and 'id="greedy-total"' in review
    admin_client.post(response["Location"])
    assert Mentorship.objects.filter(cohort__isnull=False).count() == 2


def test_a_specialist_keeps_a_caseload_and_the_member_sees_their_history(
    mentor: User, member: User
) -> None:
    client = _client(mentor)
    response = client.post(reverse("mentoring:caseload"), {"member": member.display_name})
    case = CaseloadEntry.objects.get()
    assert response["Location"] == reverse("mentoring:case", args=[case.pk])
    kind = ServiceType.objects.get(slug="recovery-planning")
    client.post(
        reverse("mentoring:case", args=[case.pk]),
        {
            "service_type": kind.pk,
            "delivered_on": timezone.localdate().isoformat(),
            "duration_minutes": "50",
            "outcome": "completed",
        },
    )
    assert case.deliveries.count() == 1
    caseload = client.get(reverse("mentoring:caseload")).content.decode()
    assert member.display_name in caseload and "<td>50</td>" in caseload
    history = _client(member).get(reverse("mentoring:my_services")).content.decode()
    assert "Recovery planning" in history and mentor.display_name in history


def test_admins_see_service_totals_for_a_period(admin_client: Client) -> None:
    response = admin_client.get(
        reverse("mentoring:service_totals"), {"start": "2026-01-01", "end": "2026-12-31"}
    )
    assert response.status_code == 200
    assert "System navigation" in response.content.decode()


# --- Query counts ----------------------------------------------------------------------------------


@pytest.fixture
def busy_mentor(
    make_mentor: Callable[..., User], make_user: Callable[..., User], make_intake: Any
) -> tuple[User, Mentorship]:
    mentor = make_mentor(capacity=10)
    first = None
    for _ in range(8):
        mentee = make_user()
        make_intake(mentee)
        m = Mentorship.objects.create(mentee=mentee, mentor=mentor)
        first = first or m
        for i in range(30):
            DirectMessage.objects.create(
                mentorship=m, sender=mentee if i % 2 else mentor, body="hi"
            )
        goal = Goal.objects.create(owner=mentee, mentorship=m, title="g")
        GoalStep.objects.bulk_create([GoalStep(goal=goal, text=f"s{i}") for i in range(5)])
    for _ in range(10):
        requester = make_user()
        make_intake(requester)
        MentorshipRequest.objects.create(
            mentee=requester, mentor=mentor, expires_at=timezone.now() + dt.timedelta(days=1)
        )
    assert first is not None
    return mentor, first


def test_list_pages_make_a_constant_number_of_queries(
    busy_mentor: tuple[User, Mentorship], django_assert_max_num_queries: Any
) -> None:
    mentor, m = busy_mentor
    client = _client(mentor)
    for url in (
        reverse("mentoring:index"),
        reverse("mentoring:inbox"),
        reverse("mentoring:mentorship", args=[m.pk]),
        reverse("mentoring:messages_json", args=[m.pk]),
        reverse("mentoring:caseload"),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200, url


def test_suggestions_page_query_count_does_not_grow_with_mentors(
    member: User,
    make_mentor: Callable[..., User],
    make_intake: Any,
    django_assert_max_num_queries: Any,
) -> None:
    make_intake(member)
    for _ in range(30):
        make_mentor()
    client = _client(member)
    services._index_cache.clear()
    with django_assert_max_num_queries(25):
        assert client.get(reverse("mentoring:suggestions")).status_code == 200


def test_a_refused_message_is_shown_again_without_javascript(
    mentorship: Mentorship, mentee: User, mentor: User
) -> None:
    services.pause_mentorship(mentorship=mentorship, actor=mentor)
    response = _client(mentee).post(
        reverse("mentoring:send_message", args=[mentorship.pk]),
        {"body": "A long thought I do not want to lose"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "paused" in html and "A long thought I do not want to lose" in html
    assert not DirectMessage.objects.exists()


def test_the_mentor_sees_what_the_mentee_would_like_support_with(
    mentee: User, mentor: User
) -> None:
    services.request_mentor(mentee=mentee, mentor=mentor)
    inbox = _client(mentor).get(reverse("mentoring:inbox")).content.decode()
    assert "lost a parent too" in inbox


def test_a_supervisor_logs_a_supervision_session(
    mentor: User, admin: User, make_user: Callable[..., User]
) -> None:
    supervisor = make_user(display_name="Wise Oak")
    sup = services.assign_supervisor(mentor=mentor, supervisor=supervisor, actor=admin)
    client = _client(supervisor)
    assert mentor.display_name in client.get(reverse("mentoring:supervision")).content.decode()
    client.post(
        reverse("mentoring:supervisee", args=[sup.pk]),
        {"held_on": timezone.localdate().isoformat(), "duration_minutes": "45", "notes": "Fine"},
    )
    assert sup.sessions.count() == 1


def test_admins_list_peer_supporters_with_training_and_load(
    admin_client: Client,
    make_mentor: Callable[..., User],
    django_assert_max_num_queries: Any,
) -> None:
    names = [make_mentor().display_name for _ in range(12)]
    make_mentor(trained=False)
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("mentoring:admin_mentors"))
    html = response.content.decode()
    assert all(name in html for name in names)
    assert "expired" in html


def test_the_message_poll_refuses_a_bad_cursor_and_a_flood(
    mentorship: Mentorship, mentee: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from peerhaven.accounts import ratelimit
    from peerhaven.mentoring import queries

    # One window for the whole test: a minute boundary must not reset the count midway.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000.0))
    monkeypatch.setattr(queries, "POLL_LIMIT", 8)
    client = _client(mentee)
    url = reverse("mentoring:messages_json", args=[mentorship.pk])
    for bad in ("abc", "-1", "9" * 40, "\uff11\uff12"):
        answer = client.get(url, {"after": bad})
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid"
    for _ in range(4):  # eight requests in all
        assert client.get(url, {"after": "0"}).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) == 20  # 1,000,000 s is 40 s into its minute
