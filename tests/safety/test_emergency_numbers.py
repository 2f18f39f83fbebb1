"""A person in a country with no listed crisis line still sees its emergency number by name,
on every crisis panel, then the international directories."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import services
from peerhaven.safety.models import CrisisResource
from peerhaven.safety.queries import crisis_payload, crisis_resources
from peerhaven.safety.resources import read_resources

pytestmark = pytest.mark.django_db

EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "IE",
]


def test_every_eu_country_has_an_emergency_number_in_the_shipped_data() -> None:
    emergency = {
        r["country"]: r["phone"] + " " + r.get("description", "")
        for r in read_resources()
        if r.get("is_emergency")
    }
    assert len(EU) == 27
    assert all("112" in emergency.get(c, "") for c in EU), [c for c in EU if c not in emergency]
    # Where 112 reaches the police first, the ambulance number is the one listed.
    assert emergency["NO"].startswith("113") and emergency["AT"].startswith("144")


def test_a_directory_with_only_an_emergency_number_shows_it_before_the_directories() -> None:
    portugal = crisis_resources(country="PT")
    assert not portugal.has_lines
    assert [r.phone for r in portugal.emergency] == ["112"]
    assert [r.country for r in portugal.shown] == ["PT", "INTL", "INTL"]
    britain = crisis_resources(country="GB")
    assert britain.has_lines and britain.shown == britain.local
    nowhere = crisis_resources(country="AR")
    assert nowhere.emergency == [] and nowhere.shown == nowhere.international


def test_the_room_panel_payload_names_the_emergency_number(
    make_user: Callable[..., User],
) -> None:
    person = make_user(country="PT")
    lines = crisis_payload(person, level="imminent")["lines"]
    assert lines[0]["phone"] == "112" and lines[0]["is_emergency"]
    assert any(line["name"] == "Find A Helpline" for line in lines)


def test_the_page_panel_names_the_emergency_number(
    client: Client, make_user: Callable[..., User]
) -> None:
    person = make_user(country="PT")
    login(client, person)
    session = client.session
    session[services.SESSION_PANEL_KEY] = {"level": "ideation", "held": False, "kind": "x"}
    session.save()
    html = client.get("/").content.decode()
    panel = html.split('id="crisis-help"')[1].split("</section>")[0]
    assert 'href="tel:112"' in panel and "Find A Helpline" in panel
    assert "Call your local emergency number" not in panel


def test_an_upgrade_adds_what_is_missing_but_not_a_line_an_admin_deleted() -> None:
    from peerhaven.safety.resources import load_resources

    CrisisResource.objects.filter(country="US", name="Crisis Text Line").delete()
    CrisisResource.objects.filter(country="PT").delete()
    # An admin listed a German crisis line before the upgrade shipped Germany's 112.
    CrisisResource.objects.filter(country="DE").delete()
    CrisisResource.objects.create(
        country="DE", name="A local line", phone="0800 000 000", verified_on="2026-01-01"
    )

    added = load_resources(upgrade=True)

    assert added == 2
    assert CrisisResource.objects.filter(country="PT", phone="112").exists()
    assert CrisisResource.objects.filter(country="DE", is_emergency=True, phone="112").exists()
    assert not CrisisResource.objects.filter(country="US", name="Crisis Text Line").exists()
    germany = crisis_resources(country="DE")
    assert germany.has_lines and [r.phone for r in germany.emergency] == ["112"]


def test_an_upgrade_lists_the_shipped_crisis_lines_of_a_country_that_had_only_its_emergency_number() -> (
    None
):
    from peerhaven.safety.resources import load_resources

    CrisisResource.objects.filter(country="DE", is_emergency=False).delete()
    CrisisResource.objects.filter(country="FR", is_emergency=False).delete()
    # An admin's own French line: France keeps it and gets no shipped line beside it.
    CrisisResource.objects.create(
        country="FR", name="Une ligne locale", phone="0800 000 000", verified_on="2026-01-01"
    )
    assert not crisis_resources(country="DE").has_lines

    assert load_resources(upgrade=True) == 1

    germany = crisis_resources(country="DE")
    assert germany.has_lines and "TelefonSeelsorge" in [r.name for r in germany.local]
    assert [r.name for r in crisis_resources(country="FR").local if not r.is_emergency] == [
        "Une ligne locale"
    ]


def test_the_migration_says_where_a_line_is_now_listed() -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("peerhaven.safety.migrations.0009_crisis_lines")
    old = "Emergency number only, ...; " + migration.OLD_NOTE
    CrisisResource.objects.filter(country__in=["DE", "PT"], is_emergency=True).update(note=old)

    migration.load(apps, None)

    notes = dict(CrisisResource.objects.filter(is_emergency=True).values_list("country", "note"))
    assert "added in session 8" in notes["DE"] and migration.OLD_NOTE not in notes["DE"]
    assert notes["PT"] == old  # Portugal still has no crisis line listed


def test_every_shipped_crisis_line_is_a_free_standing_entry_marked_for_verification() -> None:
    lines = [r for r in read_resources() if not r.get("is_emergency")]
    countries = {r["country"] for r in lines}
    assert {"DE", "FR", "ES", "NL", "BR", "ZA", "SG"} <= countries
    assert all("Verify" in r["note"] or "re-verify" in r["note"] for r in lines)
