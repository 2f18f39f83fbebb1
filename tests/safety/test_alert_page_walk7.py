"""From the session 7 browser walkthrough: a moderator sees the same member's other open
alerts on an alert's page, and closing an imminent alert as "no risk" needs a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import services
from peerhaven.safety.models import AlertStatus, RiskAlert

from .conftest import IDEATION_TEXT, IMMINENT_TEXT

pytestmark = pytest.mark.django_db


def test_the_alert_page_lists_the_members_other_open_alerts(
    make_alert: Callable[..., RiskAlert], moderator: User, outsider: User
) -> None:
    first = make_alert(text=IDEATION_TEXT)
    second = make_alert(text=IMMINENT_TEXT)
    resolved = make_alert(text=IDEATION_TEXT)
    services.claim_alert(alert_id=resolved.pk, moderator=moderator)
    services.resolve_alert(alert=resolved, moderator=moderator, outcome="reached_out")
    someone_else = make_alert(text=IDEATION_TEXT, author=outsider)

    page = login(Client(), moderator).get(f"/moderation/alerts/{first.pk}/").content.decode()

    section = page.split('id="other-open"', 1)[1].split("</section>", 1)[0]
    assert "This member has 1 other open alert" in section
    assert f'href="/moderation/alerts/{second.pk}/"' in section
    assert f"/moderation/alerts/{resolved.pk}/" not in section
    assert f"/moderation/alerts/{someone_else.pk}/" not in section


def test_many_other_alerts_are_counted_and_the_most_urgent_listed(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    first = make_alert(text=IDEATION_TEXT)
    for _ in range(21):
        make_alert(text=IDEATION_TEXT)
    urgent = make_alert(text=IMMINENT_TEXT)  # raised last, due first (15 minutes)

    page = login(Client(), moderator).get(f"/moderation/alerts/{first.pk}/").content.decode()

    section = page.split('id="other-open"', 1)[1].split("</section>", 1)[0]
    assert "This member has 22 other open alerts" in section
    assert section.count("<li>") == 20
    first_listed = section.split("<li>", 1)[1].split("</li>", 1)[0]
    assert f"/moderation/alerts/{urgent.pk}/" in first_listed
    assert "The 20 most urgent are listed; the queue has all 22." in section


def test_a_member_with_one_alert_has_no_such_section(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    alert = make_alert()
    page = login(Client(), moderator).get(f"/moderation/alerts/{alert.pk}/").content.decode()
    assert 'id="other-open"' not in page


@pytest.fixture
def imminent(make_alert: Callable[..., RiskAlert], moderator: User) -> RiskAlert:
    alert = make_alert(text=IMMINENT_TEXT)
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    return alert


def test_closing_an_imminent_alert_as_no_risk_needs_a_note_on_the_page(
    imminent: RiskAlert, moderator: User
) -> None:
    client = login(Client(), moderator)
    url = f"/moderation/alerts/{imminent.pk}/resolve/"

    refused = client.post(url, {"outcome": "no_risk", "note": "  "})

    assert refused.status_code == 400
    assert "Say in the note why there is no risk" in refused.content.decode()
    imminent.refresh_from_db()
    assert imminent.status == AlertStatus.ACKNOWLEDGED
    done = client.post(url, {"outcome": "no_risk", "note": "Quoting a film script."})
    assert done.status_code == 302
    imminent.refresh_from_db()
    assert imminent.status == AlertStatus.RESOLVED


def test_closing_an_imminent_alert_as_no_risk_needs_a_note_in_the_api(
    imminent: RiskAlert, moderator: User
) -> None:
    client = login(Client(), moderator)
    url = f"/api/safety/alerts/{imminent.pk}/resolve"

    refused = client.post(url, {"outcome": "no_risk"}, content_type="application/json")

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "note_required"
    # Other outcomes need no note.
    ok = client.post(url, {"outcome": "reached_out"}, content_type="application/json")
    assert ok.status_code == 200


def test_resolving_goes_back_to_the_queue_as_the_moderator_filtered_it(
    imminent: RiskAlert, moderator: User, make_alert: Callable[..., RiskAlert]
) -> None:
    client = login(Client(), moderator)
    assert client.get("/moderation/?level=imminent&source=screening").status_code == 200

    done = client.post(f"/moderation/alerts/{imminent.pk}/resolve/", {"outcome": "reached_out"})

    assert done.status_code == 302
    assert done["Location"] == "/moderation/?status=active&level=imminent&source=screening"
    # Never anywhere but the queue page, whatever the session holds.
    session = client.session
    session["safety.queue_view"] = "//evil.example/"
    session.save()
    another = make_alert(text=IMMINENT_TEXT)
    services.claim_alert(alert_id=another.pk, moderator=moderator)
    again = client.post(f"/moderation/alerts/{another.pk}/resolve/", {"outcome": "reached_out"})
    assert again["Location"].startswith("/moderation/?")
