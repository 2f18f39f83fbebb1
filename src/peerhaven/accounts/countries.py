"""ISO 3166-1 country codes and names (from the IANA time-zone database's iso3166.tab)."""

from __future__ import annotations

import json
from pathlib import Path

_DATA = json.loads((Path(__file__).parent / "data" / "countries.json").read_text(encoding="utf-8"))

COUNTRIES: list[tuple[str, str]] = [(code, name) for code, name in _DATA["countries"]]
COUNTRY_CODES: frozenset[str] = frozenset(code for code, _name in COUNTRIES)


def country_from_language(accept_language: str) -> str:
    """A first guess at the country from the browser's preferred language: the region of its
    first entry ("en-GB,en;q=0.9" gives "GB"), or "" when it names none we know.

    Only ever a suggestion the person confirms: it decides which crisis lines are shown before
    they have said where they are.
    """
    first = accept_language.split(",")[0].split(";")[0].strip()
    if "-" in first:
        region = first.split("-")[-1].upper()
        if region in COUNTRY_CODES:
            return region
    return ""
