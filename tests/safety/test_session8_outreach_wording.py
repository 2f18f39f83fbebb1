"""Session 8: the default outreach templates no longer say the crisis lines on Get help now are
open around the clock (for a country with only an emergency number listed, that is false).
Migration 0010 rewords the rows still as shipped and keeps every edited one."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from peerhaven.safety.models import OutreachTemplate

pytestmark = pytest.mark.django_db

shipped = importlib.import_module("peerhaven.safety.migrations.0002_load_crisis_resources")
reworded = importlib.import_module("peerhaven.safety.migrations.0010_outreach_template_wording")

OLD = {name: body for name, _title, body in shipped.TEMPLATES}
NEW = {name: new for name, (_old, new) in reworded.REWORDED.items()}


def test_the_migration_knows_the_shipped_words_exactly() -> None:
    # Otherwise no row would ever match and the old promise would stay.
    assert {name: old for name, (old, _new) in reworded.REWORDED.items()} == OLD


def test_no_default_template_promises_round_the_clock_lines() -> None:
    for name in OLD:
        body = OutreachTemplate.objects.get(name=name).body
        assert body == NEW[name]
        assert "around the clock" not in body
        assert "emergency help where you are" in body


def test_the_migration_rewords_untouched_defaults_and_keeps_edited_ones() -> None:
    OutreachTemplate.objects.filter(name="Checking in").update(body=OLD["Checking in"])
    edited_body = OLD["Post held for review"].replace("Hi {name}", "Hello {name}")
    OutreachTemplate.objects.filter(name="Post held for review").update(body=edited_body)
    # An admin's copy under another name, words untouched: still the false promise.
    OutreachTemplate.objects.create(
        name="Checking in (nights)", title="Hi", body=OLD["Checking in"]
    )
    own = OutreachTemplate.objects.create(
        name="Our own", title="Hi", body="Our crisis line is open around the clock."
    )

    reworded.reword(apps, None)

    assert OutreachTemplate.objects.get(name="Checking in").body == NEW["Checking in"]
    assert OutreachTemplate.objects.get(name="Checking in (nights)").body == NEW["Checking in"]
    assert OutreachTemplate.objects.get(name="Post held for review").body == edited_body
    own.refresh_from_db()
    assert own.body == "Our crisis line is open around the clock."


def test_undoing_the_migration_restores_only_the_reworded_defaults() -> None:
    edited = OutreachTemplate.objects.create(name="Edited", title="Hi", body="Our own words.")
    reworded.restore(apps, None)
    assert OutreachTemplate.objects.get(name="Checking in").body == OLD["Checking in"]
    assert (
        OutreachTemplate.objects.get(name="Post held for review").body
        == OLD["Post held for review"]
    )
    edited.refresh_from_db()
    assert edited.body == "Our own words."
