"""Onboarding suggests the person's country (from the browser's language) and time zone (from
the device, by script), instead of starting on none and UTC."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from peerhaven.accounts.countries import COUNTRIES, country_from_language
from peerhaven.accounts.forms import timezone_choices, zone_hints
from peerhaven.accounts.models import User

SCRIPT = (
    Path(__file__).resolve().parents[2] / "src/peerhaven/web/static/peerhaven/timezone_guess.js"
)


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("en-GB,en;q=0.9", "GB"),
        ("en-ie", "IE"),
        ("de-DE;q=1", "DE"),
        ("en", ""),
        ("en-XX", ""),
        ("", ""),
        ("zh-Hant-TW", "TW"),
    ],
)
def test_the_country_comes_from_the_first_language_with_a_region(header: str, country: str) -> None:
    assert country_from_language(header) == country


@pytest.mark.django_db
def test_the_welcome_page_marks_what_nobody_chose_and_gives_the_zone_table(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user(country="", onboarded_at=None, guidelines_version=""))

    html = client.get("/welcome/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8").content.decode()

    # Not preselected from the language: "en-US" is the default in many countries.
    assert '<option value="US" selected>' not in html
    assert 'data-guess-zone="UTC"' in html
    assert 'data-guess-country=""' in html
    assert '<script id="zone-hints" type="application/json">' in html
    assert "peerhaven/timezone_guess" in html


@pytest.mark.django_db
def test_a_country_and_zone_already_chosen_are_kept(
    client: Client, make_user: Callable[..., User]
) -> None:
    person = make_user(country="IE", time_zone="Europe/Dublin", onboarded_at=None)
    client.force_login(person)

    html = client.get("/welcome/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()

    assert '<option value="IE" selected>' in html
    assert "data-guess-zone" not in html
    assert "data-guess-country" not in html


def test_the_zone_table_maps_old_and_merged_names() -> None:
    hints = zone_hints()
    listed = {zone for zone, _label in timezone_choices()}
    # Chrome reports old names; tzdata merged others into a neighbour's rules.
    assert hints["aliases"]["Asia/Calcutta"] == "Asia/Kolkata"
    assert hints["aliases"]["Europe/Kiev"] == "Europe/Kyiv"
    assert set(hints["aliases"].values()) <= listed
    # The country is where the zone lies, not whose rules it shares.
    assert hints["countries"]["Europe/Oslo"] == "NO"
    assert hints["countries"]["Asia/Calcutta"] == "IN"
    assert hints["countries"]["Europe/Dublin"] == "IE"
    # Old names whose rules now live in a zone several countries share: no guess at all,
    # rather than Kenya's crisis lines for Eritrea.
    for old_name in ("Africa/Asmera", "Pacific/Truk", "America/Coral_Harbour", "Iceland"):
        assert old_name not in hints["countries"], old_name


def run_guess(
    device_zone: str,
    *,
    zone: str = "UTC",
    country: str = "",
    zone_marked: bool = True,
    country_marked: bool = True,
) -> dict[str, str]:
    """Run timezone_guess.js under node with stand-in selects and the real zone table; return
    the values they end on."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    harness = """
    const [script, data] = process.argv.slice(1);
    const d = JSON.parse(data);
    const select = (value, options, attr, marked) => ({
      value,
      options: options.map((v) => ({ value: v })),
      getAttribute: (name) => (name === attr && marked ? "UTC" : null),
      marked,
    });
    const zones = select(d.zone, d.zones, "data-guess-zone", d.zone_marked);
    const countries = select(d.country, d.countries, "data-guess-country", d.country_marked);
    global.document = {
      querySelector: (sel) =>
        sel.includes("guess-zone") ? (zones.marked ? zones : null)
                                   : (countries.marked ? countries : null),
      getElementById: (id) => (id === "zone-hints" ? { textContent: d.hints } : null),
    };
    Intl.DateTimeFormat = () => ({ resolvedOptions: () => ({ timeZone: d.device }) });
    require(script);
    console.log(JSON.stringify({ zone: zones.value, country: countries.value }));
    """
    data = {
        "device": device_zone,
        "zone": zone,
        "country": country,
        "zone_marked": zone_marked,
        "country_marked": country_marked,
        "zones": [z for z, _label in timezone_choices()],
        "countries": ["", *(code for code, _name in COUNTRIES)],
        "hints": json.dumps(zone_hints()),
    }
    done = subprocess.run(  # noqa: S603 - this repository's own script
        [node, "-e", harness, str(SCRIPT), json.dumps(data)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("device", "zone", "country"),
    [
        ("Asia/Kolkata", "Asia/Kolkata", "IN"),
        ("Asia/Calcutta", "Asia/Kolkata", "IN"),  # what Chrome reports in India
        ("Europe/Oslo", "Europe/Berlin", "NO"),  # merged into Berlin's rules, still Norway
        ("Europe/Kiev", "Europe/Kyiv", "UA"),
        ("Europe/Dublin", "Europe/Dublin", "IE"),
        ("Mars/Olympus", "UTC", ""),  # unknown: nothing chosen
        ("", "UTC", ""),
    ],
)
def test_the_script_suggests_the_devices_zone_and_its_country(
    device: str, zone: str, country: str
) -> None:
    assert run_guess(device) == {"zone": zone, "country": country}


def test_the_script_never_changes_a_choice_already_made() -> None:
    chosen = run_guess(
        "Asia/Kolkata", zone="Europe/Dublin", country="IE", zone_marked=False, country_marked=False
    )
    assert chosen == {"zone": "Europe/Dublin", "country": "IE"}
    # A zone already chosen still lets the empty country be suggested, and the other way round.
    assert run_guess("Asia/Kolkata", zone="Europe/Dublin", zone_marked=False)["country"] == "IN"
    assert run_guess("Asia/Kolkata", country="IE", country_marked=False)["zone"] == "Asia/Kolkata"
