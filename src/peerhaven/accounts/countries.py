"""ISO 3166-1 country codes and names (from the IANA time-zone database's iso3166.tab)."""

from __future__ import annotations

import json
from pathlib import Path

_DATA = json.loads((Path(__file__).parent / "data" / "countries.json").read_text(encoding="utf-8"))

COUNTRIES: list[tuple[str, str]] = [(code, name) for code, name in _DATA["countries"]]
COUNTRY_CODES: frozenset[str] = frozenset(code for code, _name in COUNTRIES)
