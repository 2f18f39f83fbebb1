"""Map look-alike letters from other scripts to the Latin letter they imitate.

The table comes from Unicode's confusables list as shipped by ``confusable_homoglyphs``. It is
built once, lazily, and only keeps targets that resolve to a single ASCII letter or digit, so
real text in other scripts is changed only where a letter could pass for a Latin one.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

# Confusables maps some Greek letters to other non-ASCII look-alikes (e.g. epsilon to a Latin
# small letter open-e-ish glyph), so these common ones are pinned by hand.
_MANUAL: dict[str, str] = {
    "\u03b5": "e",
    "\u03ba": "k",
    "\u03c4": "t",
    "\u03b7": "n",
    "\u03b9": "i",
    "\u03c7": "x",
    "\u03c9": "w",
    "\u0475": "v",
    "\u0142": "l",
    "\u00f8": "o",
    "\u0111": "d",
    "\u0127": "h",
    "\u00df": "ss",
    "\u00e6": "ae",
    "\u0153": "oe",
    "\u0131": "i",
    "\u0269": "i",
}


def _confusables_path() -> Path | None:
    try:
        import confusable_homoglyphs
    except ImportError:  # the rule stage must work without the optional table
        return None
    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    return path if path.is_file() else None


def _resolve(char: str, table: dict[str, list[dict[str, str]]], depth: int = 0) -> str | None:
    if depth > 3:
        return None
    for entry in table.get(char, ()):
        target = entry.get("c", "")
        if len(target) == 1 and target.isascii() and target.isalnum():
            return target.lower()
    for entry in table.get(char, ()):
        target = entry.get("c", "")
        if len(target) == 1 and not target.isascii() and target != char:
            resolved = _resolve(target, table, depth + 1)
            if resolved is not None:
                return resolved
    return None


@cache
def homoglyph_map() -> dict[str, str]:
    """Return {non-ASCII character: ASCII letter or digit it imitates}."""
    mapping: dict[str, str] = {}
    path = _confusables_path()
    if path is not None:
        try:
            table: dict[str, list[dict[str, str]]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            logger.warning("Could not read the confusables table; homoglyphs limited")
            table = {}
        for key in table:
            if len(key) != 1 or key.isascii():
                continue
            resolved = _resolve(key, table)
            if resolved is not None:
                mapping[key] = resolved
    mapping.update(_MANUAL)
    return mapping
