"""Crisis resources are data: ``data/crisis_resources.json``, validated when loaded."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

DATA_FILE = Path(__file__).parent / "data" / "crisis_resources.json"
INTERNATIONAL = "INTL"
FIELDS = (
    "description",
    "phone",
    "text",
    "chat_url",
    "url",
    "hours",
    "is_emergency",
    "sort_order",
)


def read_resources(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """The resources in the data file, validated; raises ``ValidationError`` on a bad entry."""
    data = json.loads(path.read_text(encoding="utf-8"))
    default_verified = data.get("verified_on", "")
    note = data.get("note", "")
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for index, entry in enumerate(data["resources"]):
        country = str(entry.get("country", "")).upper()
        if country != INTERNATIONAL and (len(country) != 2 or not country.isalpha()):
            raise ValidationError(f"resource {index}: country must be ISO 3166 alpha-2 or INTL")
        name = str(entry.get("name", "")).strip()
        if not name:
            raise ValidationError(f"resource {index}: a name is required")
        if not any(entry.get(k) for k in ("phone", "text", "chat_url", "url")):
            raise ValidationError(f"resource {index}: give a phone, text, chat or website")
        try:
            verified = datetime.date.fromisoformat(entry.get("verified_on", default_verified))
        except (TypeError, ValueError):
            raise ValidationError(f"resource {index}: verified_on must be a date") from None
        language = str(entry.get("language", "en"))
        key = (country, language, name)
        if key in seen:
            raise ValidationError(f"resource {index}: duplicate {key}")
        seen.add(key)
        row: dict[str, Any] = {
            "country": country,
            "language": language,
            "name": name,
            "verified_on": verified,
            "note": str(entry.get("note", note))[:300],
        }
        for field in FIELDS:
            if field in entry:
                row[field] = entry[field]
        rows.append(row)
    return rows


def load_resources(
    model: Any = None,
    path: Path = DATA_FILE,
    *,
    update: bool = False,
    upgrade: bool = False,
) -> int:
    """Create the shipped resources that are missing (and refresh them when ``update``).

    Admins edit resources in the admin; loading again never overwrites their edits unless
    ``update`` is set. ``upgrade`` (data migrations after the first) adds only what a database
    lacks: every row of a country that has none, a country's emergency number where it has no
    emergency row (an admin who listed a local crisis line still gets it), and a country's
    shipped crisis lines where it has only emergency numbers. Other shipped rows an admin
    deleted on purpose do not come back (a country keeping any crisis line gets no more).
    Returns how many rows were created or updated.
    """
    if model is None:
        from peerhaven.safety.models import CrisisResource

        model = CrisisResource
    with_emergency: set[str] = set()
    with_lines: set[str] = set()
    if upgrade:
        for country, emergency in model.objects.values_list("country", "is_emergency"):
            (with_emergency if emergency else with_lines).add(country)
    changed = 0
    for row in read_resources(path):
        has = with_emergency if row.get("is_emergency") else with_lines
        needed = row["country"] not in has
        if upgrade and not needed:
            continue
        key = {k: row.pop(k) for k in ("country", "language", "name")}
        if update:
            _obj, created = model.objects.update_or_create(**key, defaults=row)
            changed += 1
        else:
            _obj, created = model.objects.get_or_create(**key, defaults=row)
            changed += int(created)
    return changed
