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

from peerhaven.accounts.countries import country_from_language
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
def test_the_welcome_page_suggests_the_country_and_marks_the_default_zone(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user(country="", onboarded_at=None, guidelines_version=""))

    html = client.get("/welcome/", HTTP_ACCEPT_LANGUAGE="en-NZ,en;q=0.8").content.decode()

    assert '<option value="NZ" selected>' in html
    assert 'data-guess-zone="UTC"' in html
    assert "peerhaven/timezone_guess" in html


@pytest.mark.django_db
def test_a_country_and_zone_already_chosen_are_kept(
    client: Client, make_user: Callable[..., User]
) -> None:
    person = make_user(country="IE", time_zone="Europe/Dublin", onboarded_at=None)
    client.force_login(person)

    html = client.get("/welcome/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()

    assert '<option value="IE" selected>' in html
    assert '<option value="US" selected>' not in html
    assert "data-guess-zone" not in html


def run_guess(selected: str, device_zone: str, options: list[str], marked: str = "UTC") -> str:
    """Run timezone_guess.js under node with a stand-in select; return the value it ends on."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    harness = """
    const [script, data] = process.argv.slice(1);
    const d = JSON.parse(data);
    const select = {
      value: d.selected,
      options: d.options.map((value) => ({ value })),
      getAttribute: (name) => (name === "data-guess-zone" ? d.marked : null),
    };
    global.document = { querySelector: () => select };
    Intl.DateTimeFormat = () => ({ resolvedOptions: () => ({ timeZone: d.zone }) });
    require(script);
    console.log(JSON.stringify(select.value));
    """
    data = {"selected": selected, "zone": device_zone, "options": options, "marked": marked}
    done = subprocess.run(  # noqa: S603 - this repository's own script
        [node, "-e", harness, str(SCRIPT), json.dumps(data)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout))


def test_the_script_selects_the_devices_zone_only_over_the_untouched_default() -> None:
    zones = ["UTC", "Europe/Dublin", "Asia/Kolkata"]
    assert run_guess("UTC", "Asia/Kolkata", zones) == "Asia/Kolkata"
    # Not in the list (or not known): the default stays.
    assert run_guess("UTC", "Mars/Olympus", zones) == "UTC"
    assert run_guess("UTC", "", zones) == "UTC"
    # Something else is selected already: never changed.
    assert run_guess("Europe/Dublin", "Asia/Kolkata", zones) == "Europe/Dublin"
