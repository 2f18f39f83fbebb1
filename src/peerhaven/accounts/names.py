"""Display names: normalisation, confusable look-alikes and reserved words.

A display name is what other members see instead of a real name, so two names that look alike
must not both exist, and nobody may pose as staff. The comparison key is a "skeleton": the
name case-folded, each character replaced by its ASCII look-alike (from the Unicode confusables
data shipped with ``confusable_homoglyphs``), separators dropped and digits that pass for letters
folded, so "Ѕam_Lee", "sam lee" and "SAM-1EE" share one key.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import confusable_homoglyphs
from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 3
MAX_LENGTH = 30

# Words nobody may use as (a word of) a display name: staff titles and system labels.
RESERVED_WORDS = frozenset(
    {
        "admin",
        "administrator",
        "moderator",
        "mod",
        "mods",
        "staff",
        "peerhaven",
        "support",
        "safety",
        "safetyteam",
        "system",
        "official",
        "clinician",
        "doctor",
        "therapist",
        "anonymous",
        "anonymousmember",
        "deleted",
        "deletedmember",
        "root",
        "null",
        "none",
        "crisis",
        "helpline",
    }
)

_ALLOWED = re.compile(r"^[\w .'\-]+$")
_SEPARATORS = re.compile(r"[\s._'\-]+")
_DIGIT_LOOKALIKES = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"}
)


@cache
def _ascii_lookalikes() -> dict[str, str]:
    """Map each confusable character to an ASCII letter or digit it can pass for."""
    path = Path(confusable_homoglyphs.__file__).parent / "confusables.json"
    data: dict[str, list[dict[str, str]]] = json.loads(path.read_text(encoding="utf-8"))
    mapping: dict[str, str] = {}
    for char, homoglyphs in data.items():
        if char.isascii() and char.isalnum():
            for glyph in homoglyphs:
                mapping.setdefault(glyph["c"], char.lower())
    return mapping


def normalise(name: str) -> str:
    """NFKC-normalise and collapse white space, as the name will be stored and shown."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def skeleton(name: str) -> str:
    """The comparison key under which look-alike names collide."""
    lookalikes = _ascii_lookalikes()
    folded = unicodedata.normalize("NFKC", name).casefold()
    mapped = "".join(lookalikes.get(ch, ch) for ch in folded)
    # Strip accents so "José" and "Jose" collide too.
    decomposed = unicodedata.normalize("NFKD", mapped)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub("", bare).translate(_DIGIT_LOOKALIKES)


def is_reserved(name: str) -> bool:
    """True if the whole name, or any word of it (plural or not), is a reserved word."""
    words = [skeleton(part) for part in _SEPARATORS.split(name) if part]
    candidates = {skeleton(name), *words, *(w.removesuffix("s") for w in words)}
    return bool(candidates & _reserved_skeletons())


@cache
def _reserved_skeletons() -> frozenset[str]:
    return frozenset(skeleton(word) for word in RESERVED_WORDS)


def validate_display_name(name: str) -> str:
    """Return the normalised name, or raise ValidationError with a message a person can act on."""
    value = normalise(name)
    if len(value) < MIN_LENGTH:
        raise ValidationError(
            _("Choose a name of at least %(n)d characters.") % {"n": MIN_LENGTH}, code="too_short"
        )
    if len(value) > MAX_LENGTH:
        raise ValidationError(
            _("Choose a name of at most %(n)d characters.") % {"n": MAX_LENGTH}, code="too_long"
        )
    if not _ALLOWED.match(value) or any(unicodedata.category(ch)[0] == "C" for ch in value):
        raise ValidationError(
            _("Use letters, digits, spaces and . _ - ' only."), code="invalid_characters"
        )
    if confusables.is_mixed_script(value):
        raise ValidationError(
            _("Use letters from one alphabet only, so your name cannot be mistaken for another."),
            code="mixed_script",
        )
    key = skeleton(value)
    if not key:
        raise ValidationError(_("Your name needs some letters or digits."), code="empty")
    if is_reserved(value):
        raise ValidationError(_("That name is reserved. Please choose another."), code="reserved")
    return value
