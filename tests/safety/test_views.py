"""Pages: Get help now, the crisis panel, the safety plan, appeals and the moderation area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import AuditEvent, Role, User
from peerhaven.notifications.models import Notification
from peerhaven.safety import services
from peerhaven.safety.gate import GateOutcome
from peerhaven.safety.models import AlertStatus, CrisisResource, RiskAlert, SafetyPlan

IMMINENT_TEXT = "I am going to overdose on my pills tonight"


def _flag_panel(client: Client, level: str, held: bool = False) -> None:
    session = client.session
    session[services.SESSION_PANEL_KEY] = {"level": level, "held": held, "kind": "forums.post"}
    session.save()


# --- Get help now -------------------------------------------------------------------------------


def test_help_shows_the_members_country_lines(
    client: Client, make_user: Callable[..., User]
) -> None:
    login(client, make_user(country="AU"))
    html = client.get("/help/").content.decode()
    assert "Lifeline" in html and 'href="tel:131114"' in html
    assert "Samaritans" not in html
    assert "Find A Helpline" in html  # the international fallback is always there


def test_anonymous_visitors_pick_a_country_without_javascript(client: Client, db: None) -> None:
    html = client.get("/help/?country=nz").content.decode()
    assert "1737" in html and "<select" in html and 'value="NZ" selected' in html


def test_anonymous_visitors_get_a_guess_from_their_browser_language(
    client: Client, db: None
) -> None:
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Call Samaritans on" in html and "116 123" in html


def test_a_country_without_lines_gets_the_international_fallback(client: Client, db: None) -> None:
    html = client.get("/help/?country=AR").content.decode()
    assert (
        "We don’t list crisis lines for Argentina yet. Please call your local emergency number"
        in html
    )
    assert "Emergency help in Argentina" not in html
    assert "Find A Helpline" in html


def test_a_country_with_only_its_emergency_number_names_it(client: Client, db: None) -> None:
    html = client.get("/help/?country=PT").content.decode()
    assert "Emergency help in Portugal" in html
    assert 'href="tel:112"' in html
    assert "We don’t list crisis lines for Portugal yet" in html
    assert "Crisis lines in Portugal" not in html
    assert "Find A Helpline" in html


def test_an_unknown_country_code_is_ignored(client: Client, db: None) -> None:
    assert client.get("/help/?country=<script>").status_code == 200


# --- The crisis panel ---------------------------------------------------------------------------


def test_the_crisis_panel_shows_lines_and_the_safety_plan_once(
    client: Client, make_user: Callable[..., User]
) -> None:
    person = make_user(country="GB")
    services.save_safety_plan(user=person, steps={"people_to_ask": "Call my sister Ottoline"})
    login(client, person)
    _flag_panel(client, "imminent", held=True)
    html = client.get("/").content.decode()
    assert "You matter. Help is here right now." in html
    assert "116 123" in html and "Call my sister Ottoline" in html
    assert "waiting for a moderator" in html
    assert "You matter" not in client.get("/").content.decode()


def test_the_panel_invites_a_member_without_a_plan_to_make_one(member_client: Client) -> None:
    _flag_panel(member_client, "ideation")
    html = member_client.get("/").content.decode()
    assert "Make a safety plan" in html and "held" not in html.split("safety-panel")[1][:400]


def test_concern_shows_only_a_calm_panel(member_client: Client) -> None:
    _flag_panel(member_client, "concern")
    html = member_client.get("/").content.decode()
    assert "It sounds like things are hard right now" in html
    assert "You matter. Help is here" not in html


# --- Safety plan ------------------------------------------------------------------------------


def test_a_member_builds_edits_and_prints_their_safety_plan(
    member_client: Client, member: User
) -> None:
    assert "Make my safety plan" in member_client.get("/safety/plan/").content.decode()
    response = member_client.post(
        "/safety/plan/edit/", {"warning_signs": "Skipping meals", "professionals": "Dr Quill"}
    )
    assert response.status_code == 302
    assert SafetyPlan.objects.get(user=member).professionals == "Dr Quill"
    assert "Skipping meals" in member_client.get("/safety/plan/").content.decode()
    printable = member_client.get("/safety/plan/print/").content.decode()
    assert "Dr Quill" in printable and "safety/print.css" in printable


def test_a_safety_plan_is_private(client: Client, member: User, outsider: User) -> None:
    services.save_safety_plan(user=member, steps={"warning_signs": "Pacing at night"})
    login(client, outsider)
    for url in ("/safety/plan/", "/safety/plan/print/", "/safety/plan/edit/"):
        assert "Pacing at night" not in client.get(url).content.decode()


def test_the_safety_plan_needs_an_account(client: Client, db: None) -> None:
    assert client.get("/safety/plan/").status_code == 302


# --- Moderation actions and appeals ---------------------------------------------------------------


def test_a_member_sees_the_reason_for_a_mute_and_appeals(
    member_client: Client, member: User, moderator: User
) -> None:
    action = services.take_action(
        member=member, moderator=moderator, kind="mute", reason="Heated thread", hours=2
    )
    assert "Heated thread" in member_client.get("/safety/actions/").content.decode()
    member_client.post(f"/safety/actions/{action.pk}/appeal/", {"text": "I was upset, sorry"})
    action.refresh_from_db()
    assert action.appeal.text == "I was upset, sorry"


def test_an_outsider_cannot_appeal_someone_elses_action(
    client: Client, member: User, outsider: User, moderator: User
) -> None:
    action = services.take_action(member=member, moderator=moderator, kind="mute", reason="x")
    login(client, outsider)
    assert client.post(f"/safety/actions/{action.pk}/appeal/", {"text": "no"}).status_code == 404


# --- The moderation area ------------------------------------------------------------------------


MODERATION_PAGES = (
    "/moderation/",
    "/moderation/dashboard/",
    "/moderation/appeals/",
    "/moderation/resources/",
    "/moderation/templates/",
)


@pytest.mark.parametrize("url", MODERATION_PAGES)
def test_outsiders_cannot_open_the_moderation_area(
    client: Client, outsider: User, url: str
) -> None:
    login(client, outsider)
    assert client.get(url).status_code == 403


def test_a_moderator_without_two_factor_is_sent_to_set_it_up(
    client: Client, make_user: Callable[..., User]
) -> None:
    login(client, make_user(roles=(Role.MODERATOR,), two_factor=False))
    response = client.get("/moderation/")
    assert response.status_code == 302 and "totp" in response["Location"]


def test_an_outsider_cannot_acknowledge_or_resolve(
    client: Client, outsider: User, make_alert: Callable[..., RiskAlert]
) -> None:
    alert = make_alert()
    login(client, outsider)
    assert client.post(f"/moderation/alerts/{alert.pk}/acknowledge/").status_code == 403
    assert (
        client.post(f"/moderation/alerts/{alert.pk}/resolve/", {"outcome": "no_risk"}).status_code
        == 403
    )
    assert client.get(f"/moderation/alerts/{alert.pk}/").status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_moderator_goes_on_duty_acknowledges_reaches_out_and_resolves(
    moderator_client: Client, moderator: User, member: User, make_alert: Callable[..., RiskAlert]
) -> None:
    alert = make_alert(text=IMMINENT_TEXT, obj=member)
    moderator_client.post("/moderation/duty/", {"on_duty": "1"})
    assert services.is_on_duty(moderator)
    queue = moderator_client.get("/moderation/").content.decode()
    assert f"#{alert.pk}" in queue and "You are on duty." in queue and "live_queue.js" in queue

    response = moderator_client.post(f"/moderation/alerts/{alert.pk}/acknowledge/")
    assert response["Location"] == f"/moderation/alerts/{alert.pk}/"
    detail = moderator_client.get(f"/moderation/alerts/{alert.pk}/").content.decode()
    assert "Why it was flagged" in detail and "overdose" in detail and "Send message" in detail

    moderator_client.post(
        f"/moderation/alerts/{alert.pk}/outreach/",
        {"template": "", "title": "Hello", "body": "We are here."},
    )
    assert Notification.objects.filter(recipient=member, kind="safety", title="Hello").exists()
    moderator_client.post(
        f"/moderation/alerts/{alert.pk}/resolve/",
        {"outcome": "reached_out", "note": "", "release_held": "on"},
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.outcome == "reached_out"
    actions = set(AuditEvent.objects.filter(actor=moderator).values_list("action", flat=True))
    assert {
        "safety.duty.on",
        "safety.alert.acknowledge",
        "safety.alert.read",
        "safety.alert.outreach",
        "safety.alert.resolve",
    } <= actions


def test_a_second_moderator_cannot_acknowledge_a_taken_alert(
    client: Client, moderator: User, second_moderator: User, make_alert: Callable[..., RiskAlert]
) -> None:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    login(client, second_moderator)
    response = client.post(f"/moderation/alerts/{alert.pk}/acknowledge/", follow=True)
    assert "Another moderator has this alert" in response.content.decode()
    alert.refresh_from_db()
    assert alert.assigned_to == moderator


def test_the_queue_filters_by_level(
    moderator_client: Client, member: User, outcome_for: Callable[[str], GateOutcome]
) -> None:
    services.handle_screening(outcome=outcome_for("I wish I was dead"), author=member, kind="a")
    services.handle_screening(outcome=outcome_for(IMMINENT_TEXT), author=member, kind="b")
    html = moderator_client.get("/moderation/?level=imminent").content.decode()
    assert "· b" in html and "· a<" not in html


def test_the_queue_makes_a_constant_number_of_queries(
    moderator_client: Client,
    make_user: Callable[..., User],
    outcome_for: Callable[[str], GateOutcome],
    django_assert_max_num_queries: Any,
) -> None:
    outcome = outcome_for("I wish I was dead")
    for n in range(40):
        services.handle_screening(outcome=outcome, author=make_user(), kind=f"k{n}")
    with django_assert_max_num_queries(15):
        response = moderator_client.get("/moderation/")
    assert response.content.decode().count("data-alert=") == 40


def test_the_dashboard_shows_open_alerts_and_breaches(
    moderator_client: Client, make_alert: Callable[..., RiskAlert]
) -> None:
    make_alert()
    html = moderator_client.get("/moderation/dashboard/").content.decode()
    assert "Open alerts" in html and "Median time to acknowledge" in html


def test_moderators_can_edit_crisis_resources(moderator_client: Client, moderator: User) -> None:
    resource = CrisisResource.objects.get(country="NZ", name="Need to talk? 1737")
    form = moderator_client.get(f"/moderation/resources/{resource.pk}/")
    assert form.status_code == 200
    data = {
        "country": "NZ",
        "language": "en",
        "name": "Need to talk? 1737",
        "description": "",
        "phone": "1737",
        "text": "1737",
        "chat_url": "",
        "url": "https://1737.org.nz/",
        "hours": "Every day, all day",
        "verified_on": "2026-11-26",
        "note": "",
        "sort_order": 10,
        "is_active": "on",
    }
    assert moderator_client.post(f"/moderation/resources/{resource.pk}/", data).status_code == 302
    resource.refresh_from_db()
    assert resource.hours == "Every day, all day"
    assert AuditEvent.objects.filter(action="safety.resource.update", actor=moderator).exists()


def test_a_moderator_decides_an_appeal(
    moderator_client: Client, second_moderator: User, member: User
) -> None:
    action = services.take_action(
        member=member, moderator=second_moderator, kind="ban", reason="Spam"
    )
    appeal = services.file_appeal(action=action, member=member, text="Not spam")
    assert "Not spam" in moderator_client.get("/moderation/appeals/").content.decode()
    moderator_client.post(
        f"/moderation/appeals/{appeal.pk}/decide/", {"overturn": "on", "response": "Agreed"}
    )
    appeal.refresh_from_db()
    assert appeal.status == "overturned"


def test_help_falls_back_to_the_shipped_lines_when_the_directory_is_empty(
    client: Client, db: None
) -> None:
    CrisisResource.objects.all().delete()
    html = client.get("/help/?country=GB").content.decode()
    assert "Call Samaritans on" in html and "Find A Helpline" in html


def test_moderators_edit_outreach_templates_and_outsiders_cannot(
    moderator_client: Client, moderator: User, client: Client, outsider: User
) -> None:
    from peerhaven.safety.models import OutreachTemplate

    template = OutreachTemplate.objects.get(name="Checking in")
    assert "Checking in" in moderator_client.get("/moderation/templates/").content.decode()
    data = {
        "name": "Checking in",
        "title": "Thinking of you",
        "body": "Hi {name}.",
        "is_active": "on",
    }
    assert moderator_client.post(f"/moderation/templates/{template.pk}/", data).status_code == 302
    template.refresh_from_db()
    assert template.title == "Thinking of you"
    assert AuditEvent.objects.filter(action="safety.template.save", actor=moderator).exists()
    login(client, outsider)
    assert (
        client.post(f"/moderation/templates/{template.pk}/", data | {"title": "x"}).status_code
        == 403
    )
    assert client.get("/moderation/templates/").status_code == 403


def test_open_alerts_come_before_acknowledged_ones_in_the_queue(
    moderator_client: Client,
    moderator: User,
    member: User,
    outcome_for: Callable[[str], GateOutcome],
) -> None:
    taken = services.handle_screening(outcome=outcome_for(IMMINENT_TEXT), author=member, kind="a")
    waiting = services.handle_screening(
        outcome=outcome_for("I wish I was dead"), author=member, kind="b"
    )
    assert taken and waiting
    services.claim_alert(alert_id=taken.pk, moderator=moderator)
    html = moderator_client.get("/moderation/").content.decode()
    assert html.index(f'data-alert="{waiting.pk}"') < html.index(f'data-alert="{taken.pk}"')


@pytest.mark.parametrize("url", MODERATION_PAGES)
def test_anonymous_visitors_are_asked_to_sign_in_for_the_moderation_area(
    client: Client, db: None, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
