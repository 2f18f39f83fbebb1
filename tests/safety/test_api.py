"""The safety API: my plan, crisis lines for me, and the moderators' queue."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.services import create_token
from peerhaven.safety import services
from peerhaven.safety.gate import GateOutcome
from peerhaven.safety.models import AlertStatus, RiskAlert


def auth(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='test').secret}"}


def signed_in(client: Client, user: User) -> dict[str, str]:
    """Staff endpoints need a two-factor session; API tokens are refused there."""
    client.force_login(user)
    return {}


def test_a_member_reads_and_replaces_their_safety_plan(client: Client, member: User) -> None:
    headers = auth(member)
    assert client.get("/api/safety/plan", **headers).json()["warning_signs"] == ""
    body = {"warning_signs": "Not answering texts", "people_to_ask": "Tamsin"}
    response = client.put(
        "/api/safety/plan", json.dumps(body), content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert client.get("/api/safety/plan", **headers).json()["people_to_ask"] == "Tamsin"


def test_an_outsider_never_sees_another_members_plan(
    client: Client, member: User, outsider: User
) -> None:
    services.save_safety_plan(user=member, steps={"warning_signs": "Staying in bed"})
    assert client.get("/api/safety/plan", **auth(outsider)).json()["warning_signs"] == ""


def test_the_plan_needs_authentication(client: Client, db: None) -> None:
    assert client.get("/api/safety/plan").status_code == 401


def test_crisis_resources_follow_the_members_country(
    client: Client, make_user: Callable[..., User]
) -> None:
    person = make_user(country="IN")
    data = client.get("/api/safety/resources", **auth(person)).json()
    assert data["country"] == "IN"
    assert any(r["phone"] == "14416" for r in data["local"])
    assert data["international"]
    assert data["has_lines"] and data["shown"] == data["local"]


def test_crisis_resources_api_puts_the_emergency_number_first_where_no_line_is_listed(
    client: Client, make_user: Callable[..., User]
) -> None:
    data = client.get("/api/safety/resources?country=PT", **auth(make_user())).json()
    assert not data["has_lines"]
    assert [r["phone"] for r in data["local"]] == ["112"]
    assert data["shown"][0]["phone"] == "112" and data["shown"][0]["is_emergency"]
    assert [r["name"] for r in data["shown"][1:]] == [r["name"] for r in data["international"]]


def test_moderators_list_claim_and_resolve_alerts(
    client: Client, moderator: User, make_alert: Callable[..., RiskAlert]
) -> None:
    alert = make_alert()
    headers = signed_in(client, moderator)
    items = client.get("/api/safety/alerts", **headers).json()["items"]
    assert [i["id"] for i in items] == [alert.pk]
    claimed = client.post(f"/api/safety/alerts/{alert.pk}/claim", **headers)
    assert claimed.status_code == 200 and claimed.json()["status"] == "acknowledged"
    again = client.post(f"/api/safety/alerts/{alert.pk}/claim", **headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "taken"
    resolved = client.post(
        f"/api/safety/alerts/{alert.pk}/resolve",
        json.dumps({"outcome": "no_risk"}),
        content_type="application/json",
        **headers,
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"


def test_resolving_someone_elses_alert_is_refused(
    client: Client, moderator: User, second_moderator: User, make_alert: Callable[..., RiskAlert]
) -> None:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=second_moderator)
    response = client.post(
        f"/api/safety/alerts/{alert.pk}/resolve",
        json.dumps({"outcome": "no_risk"}),
        content_type="application/json",
        **signed_in(client, moderator),
    )
    assert response.status_code == 409
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED


def test_outsiders_and_moderators_without_2fa_get_403_on_the_queue(
    client: Client,
    outsider: User,
    make_user: Callable[..., User],
    make_alert: Callable[..., RiskAlert],
) -> None:
    alert = make_alert()
    for person in (outsider, make_user(roles=(Role.MODERATOR,), two_factor=False)):
        headers = auth(person)
        assert client.get("/api/safety/alerts", **headers).status_code == 403
        assert client.post(f"/api/safety/alerts/{alert.pk}/claim", **headers).status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_claiming_a_missing_alert_is_a_404(client: Client, moderator: User) -> None:
    headers = signed_in(client, moderator)
    assert client.post("/api/safety/alerts/999999/claim", **headers).status_code == 404


def test_the_alert_list_makes_a_constant_number_of_queries(
    client: Client,
    moderator: User,
    make_user: Callable[..., User],
    outcome_for: Callable[[str], GateOutcome],
    django_assert_max_num_queries: Any,
) -> None:
    outcome = outcome_for("I wish I was dead")
    for n in range(60):
        services.handle_screening(outcome=outcome, author=make_user(), kind=f"k{n}")
    headers = signed_in(client, moderator)
    with django_assert_max_num_queries(12):
        data = client.get("/api/safety/alerts?limit=50", **headers).json()
    assert len(data["items"]) == 50 and data["next_cursor"]


def test_moderators_cannot_use_api_tokens_for_the_queue(client: Client, moderator: User) -> None:
    assert client.get("/api/safety/alerts", **auth(moderator)).status_code == 403


def test_the_queue_list_leaves_out_excerpts_and_is_audited(
    client: Client, moderator: User, make_alert: Callable[..., RiskAlert]
) -> None:
    from peerhaven.accounts.models import AuditEvent

    make_alert()
    items = client.get("/api/safety/alerts", **signed_in(client, moderator)).json()["items"]
    assert items and all(item["evidence"] == [] for item in items)
    assert AuditEvent.objects.filter(actor=moderator, action="safety.queue.read").exists()
