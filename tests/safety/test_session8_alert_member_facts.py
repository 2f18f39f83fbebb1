"""Session 8: the alert page and the moderators' API show the member's country and their local
time now (a moderator deciding whether to phone at 3 a.m. needs both), and the API lists the
member's other open alerts as the page does."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone
from personas import login

from peerhaven.accounts.models import AuditEvent, Role, User
from peerhaven.accounts.services import create_token
from peerhaven.safety import queries, services
from peerhaven.safety.models import RiskAlert

from .conftest import IDEATION_TEXT, IMMINENT_TEXT

pytestmark = pytest.mark.django_db

ZONE = "Pacific/Auckland"  # far from the moderator's zone, so the two cannot be confused


def _place(person: User, *, country: str, time_zone: str) -> User:
    person.country = country
    person.time_zone = time_zone
    person.save(update_fields=["country", "time_zone"])
    return person


def _shown_times(before: datetime.datetime, after: datetime.datetime, zone: str) -> set[str]:
    """What "HH:MM, Weekday" may read for a moment between ``before`` and ``after``."""
    return {
        formats.date_format(timezone.localtime(t, ZoneInfo(zone)), "H:i, l")
        for t in (before, after)
    }


def _facts(page: str) -> dict[str, str]:
    facts = page.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", facts, re.S))


def test_the_alert_page_shows_the_members_country_and_local_time(
    make_alert: Callable[..., RiskAlert], member: User, moderator: User
) -> None:
    _place(member, country="NZ", time_zone=ZONE)
    _place(moderator, country="GB", time_zone="Europe/London")
    alert = make_alert()

    before = timezone.now()
    page = login(Client(), moderator).get(f"/moderation/alerts/{alert.pk}/").content.decode()
    after = timezone.now()

    facts = _facts(page)
    assert facts["Country"] == "New Zealand"
    when = re.fullmatch(
        r'<time datetime="([^"]+)">([^<]+)</time> \((.+)\)', facts["Their local time"]
    )
    assert when, facts["Their local time"]
    stamp, text, zone = when.groups()
    assert zone == ZONE
    # In the member's zone, not the moderator's: the offset is Auckland's.
    moment = datetime.datetime.fromisoformat(stamp)
    assert moment.utcoffset() == moment.astimezone(ZoneInfo(ZONE)).utcoffset()
    assert moment.utcoffset() != moment.astimezone(ZoneInfo("Europe/London")).utcoffset()
    assert text in _shown_times(before, after, ZONE)


def test_a_member_who_gave_neither_reads_not_given(
    make_alert: Callable[..., RiskAlert], make_user: Callable[..., User], moderator: User
) -> None:
    # No country; a zone name this system does not know is no zone.
    person = make_user(country="", time_zone="Atlantis/Lost")
    alert = make_alert(author=person)
    page = login(Client(), moderator).get(f"/moderation/alerts/{alert.pk}/").content.decode()
    facts = _facts(page)
    assert facts["Country"] == "not given"
    assert facts["Their local time"] == "not given"


def test_the_default_zone_of_an_account_that_never_chose_one_is_not_given(
    make_user: Callable[..., User],
) -> None:
    never_chose = make_user(onboarded=False)  # the new account's UTC, never confirmed
    assert never_chose.time_zone == "UTC"
    assert queries.member_clock(never_chose).local_now is None
    chose_utc = make_user(time_zone="UTC")  # onboarded: they kept UTC
    assert queries.member_clock(chose_utc).zone == "UTC"


def test_the_facts_cost_no_query(
    make_alert: Callable[..., RiskAlert], member: User, django_assert_num_queries: Any
) -> None:
    _place(member, country="DE", time_zone="Europe/Berlin")
    alert = RiskAlert.objects.select_related("author").get(pk=make_alert().pk)
    with django_assert_num_queries(0):
        clock = queries.member_clock(alert.author)
    assert (clock.country, clock.country_name, clock.zone) == ("DE", "Germany", "Europe/Berlin")


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_alert_page_reads_in_the_same_queries_however_many_other_alerts(
    make_alert: Callable[..., RiskAlert],
    make_user: Callable[..., User],
    member: User,
    moderator: User,
) -> None:
    _place(member, country="NZ", time_zone=ZONE)
    alert = make_alert()
    make_alert(text=IMMINENT_TEXT)
    client = login(Client(), moderator)
    url = f"/moderation/alerts/{alert.pk}/"
    one = _count_queries(client, url)
    for _ in range(6):
        other = make_alert(text=IDEATION_TEXT)
        # Acknowledged by different moderators: each row names who has it.
        services.claim_alert(alert_id=other.pk, moderator=make_user(roles=(Role.MODERATOR,)))
    assert _count_queries(client, url) == one


# --- The API ------------------------------------------------------------------------------


def _api(client: Client, moderator: User, alert_id: int) -> Any:
    client.force_login(moderator)  # staff endpoints need the two-factor session
    return client.get(f"/api/safety/alerts/{alert_id}")


def test_the_api_gives_the_members_country_and_local_time(
    make_alert: Callable[..., RiskAlert], member: User, moderator: User
) -> None:
    _place(member, country="NZ", time_zone=ZONE)
    _place(moderator, country="GB", time_zone="Europe/London")
    alert = make_alert()

    before = timezone.now()
    response = _api(Client(), moderator, alert.pk)
    after = timezone.now()

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == alert.pk and data["evidence"]
    assert data["member_country"] == "NZ"
    assert data["member_country_name"] == "New Zealand"
    assert data["member_time_zone"] == ZONE
    moment = datetime.datetime.fromisoformat(data["member_local_time"])
    # ISO 8601 with the member's own offset, the moment of the request.
    assert moment.utcoffset() == moment.astimezone(ZoneInfo(ZONE)).utcoffset()
    assert before.replace(microsecond=0) <= moment <= after
    assert AuditEvent.objects.filter(
        action="safety.alert.read", actor=moderator, subject=member
    ).exists()


def test_the_api_says_null_when_the_member_gave_neither(
    make_alert: Callable[..., RiskAlert], make_user: Callable[..., User], moderator: User
) -> None:
    alert = make_alert(author=make_user(country="", time_zone="Atlantis/Lost"))
    data = _api(Client(), moderator, alert.pk).json()
    assert data["member_country"] is None
    assert data["member_country_name"] is None
    assert data["member_time_zone"] is None
    assert data["member_local_time"] is None


def test_the_api_lists_the_members_other_open_alerts(
    make_alert: Callable[..., RiskAlert],
    moderator: User,
    second_moderator: User,
    outsider: User,
) -> None:
    first = make_alert(text=IDEATION_TEXT)
    imminent = make_alert(text=IMMINENT_TEXT)
    taken = make_alert(text=IDEATION_TEXT)
    services.claim_alert(alert_id=taken.pk, moderator=second_moderator)
    resolved = make_alert(text=IDEATION_TEXT)
    services.claim_alert(alert_id=resolved.pk, moderator=moderator)
    services.resolve_alert(alert=resolved, moderator=moderator, outcome="reached_out")
    make_alert(text=IDEATION_TEXT, author=outsider)

    data = _api(Client(), moderator, first.pk).json()

    assert data["other_open_count"] == 2
    # Most urgent first: the imminent one is due in 15 minutes, the ideation one in 60.
    assert [o["id"] for o in data["other_open_alerts"]] == [imminent.pk, taken.pk]
    listed = data["other_open_alerts"][0]
    imminent.refresh_from_db()
    assert listed["level"] == "imminent"
    assert listed["source"] == imminent.source and listed["kind"] == imminent.kind
    assert listed["status"] == "open" and listed["assigned_to"] is None
    created = datetime.datetime.fromisoformat(listed["created_at"])  # milliseconds in JSON
    assert abs(created - imminent.created_at) < datetime.timedelta(milliseconds=1)
    assert data["other_open_alerts"][1]["assigned_to"] == second_moderator.display_name
    # No excerpt of what the member wrote in the list: the other alerts' evidence stays on
    # their own (audited) reads.
    assert "evidence" not in listed


def test_only_moderators_with_two_factor_read_an_alert_in_the_api(
    make_alert: Callable[..., RiskAlert],
    make_user: Callable[..., User],
    moderator: User,
    outsider: User,
    member: User,
) -> None:
    alert = make_alert()
    make_alert(text=IMMINENT_TEXT)
    url = f"/api/safety/alerts/{alert.pk}"
    without_2fa = make_user(roles=(Role.MODERATOR,), two_factor=False)
    for person in (outsider, member, without_2fa, moderator):
        # A token is one factor: refused even for a moderator.
        token = create_token(user=person, name="test").secret
        response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 403, person
        assert "other_open_alerts" not in response.json()
    for person in (outsider, without_2fa):
        client = Client()
        client.force_login(person)
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="safety.alert.read").exists()
    assert _api(Client(), moderator, 999999).status_code == 404


def test_the_api_reads_in_the_same_queries_however_many_other_alerts(
    make_alert: Callable[..., RiskAlert],
    make_user: Callable[..., User],
    moderator: User,
) -> None:
    alert = make_alert()
    make_alert(text=IMMINENT_TEXT)
    client = Client()
    client.force_login(moderator)
    url = f"/api/safety/alerts/{alert.pk}"
    one = _count_queries(client, url)
    for _ in range(8):
        other = make_alert(text=IDEATION_TEXT)
        services.claim_alert(alert_id=other.pk, moderator=make_user(roles=(Role.MODERATOR,)))
    assert _count_queries(client, url) == one
    assert client.get(url).json()["other_open_count"] == 9
