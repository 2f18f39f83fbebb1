"""Fold obfuscated text into plain lower-case Latin, remembering where every character came from.

Rules match the folded text; evidence must point at what the author actually wrote, so each
folded character keeps the index of the original character it came from (``origin``). Every
step only deletes characters, replaces one character by one or more, or respells a whole word
inside its own span, which keeps the map monotonic and ``original_span`` exact to the word.

All regular expressions here are linear: no quantified group contains another quantifier.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from peerhaven.safety.screening.homoglyphs import homoglyph_map

# Invisible characters that people insert to split words; category Cf covers most (zero-width
# space/joiners, bidi controls, soft hyphen), these are the visible-blank ones outside Cf.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")

_PUNCT = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201b": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2028": "\n",
    "\u2029": "\n",
    "\u0085": "\n",
}

# Digits and symbols read as letters inside a word ("k1ll", "mys3lf", "$uicide", "k!ll").
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_LEET_SYMBOLS = frozenset("@$!")
_TOKEN = re.compile(r"[a-z0-9@$!|]+")
# Stretched words ("diiiie", "killlll"): letters that rarely double in English shrink to one,
# the others to two, so both "die" and "kill" come back.
_ELONGATED_SINGLE = re.compile(r"([aiuyhjkqvwx])\1\1+")
_ELONGATED = re.compile(r"([a-z])\1\1+")
# Words spelled out letter by letter: "s u i c i d e", "k.i.l.l", "d-i-e".
_SPACED = re.compile(r"(?<![a-z0-9'])[a-z](?:[ .\-_*/][a-z](?![a-z0-9'])){3,}")
# Risk words broken into chunks by one separator ("sui cide", "suic.idal", "una live"). Only
# words no two ordinary English words join into; each optional separator is a single character,
# so matching stays linear.
_SEP = r"[ .\-_*]?"
_CHUNKED = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(_SEP.join(word[:-1]) + _SEP + f"(?:{word[-1]})" for word in ("suicid", "unaliv"))
    + r")(?:e|es|al|ed|ing)?(?![a-z])"
)
# "d i e" spelled out: too short for ``_SPACED`` (not "k m s" or "c u t": initials, menus).
_SPACED_SHORT = re.compile(
    r"(?<![a-z0-9'])d[ \-_*]i[ \-_*]e"
    r"(?![a-z0-9'])"
)
# Risk words with a letter stretched ("diee", "deead", "overdoose"), and common misspellings
# ("kil", "sucide", "myslef", "agen", a dropped g as in "cuttin"): each is read as the word it
# spells. Whole words only. A few forms are rare words or names too ("agen", "takin"); they
# only matter beside the rest of a risk phrase.
_RESPELLED_WORDS = (
    "die",
    "died",
    "dead",
    "death",
    "kill",
    "myself",
    "suicide",
    "suicidal",
    "overdose",
    "unalive",
    "hang",
    "kms",
    "end",
    "it",
    "all",
)
_G_DROPPED = (
    "cutt",
    "think",
    "feel",
    "want",
    "plann",
    "end",
    "kill",
    "hurt",
    "dy",
    "giv",
    "writ",
    "leav",
    "tak",
    "jump",
    "hang",
    "burn",
)
_MISSPELLINGS = {
    "suicide": (
        "sucide",
        "suicde",
        "suiside",
        "suicid",
        "suicied",
        "sucicide",
        "siucide",
        "suacide",
        "suecide",
        # Euphemisms for the word itself.
        "sewer slide",
        "sewerslide",
        "sewer-slide",
    ),
    "suicidal": (
        "sucidal",
        "suicdal",
        "suicidel",
        "suicidial",
        "sucidial",
        "suisidal",
        "suicedal",
        "suicadal",
    ),
    "kill": ("kil",),
    "myself": ("myslef", "mysef", "myslf", "mysefl"),
    "overdose": ("ovedose", "overdoze", "overdos", "ovrdose"),
    "again": ("agen", "agian", "agin", "agan"),
    "tonight": ("tonite", "2nite", "2night", "tonigt", "tonihgt"),
    # A dropped "g": "cuttin agen", "thinkin about it".
    **{f"{stem}ing": (f"{stem}in", f"{stem}in'") for stem in _G_DROPPED},
}


def _stretchable(word: str) -> str:
    """``word`` with each run of a letter allowed to be longer, never shorter ("dead" →
    d+e+a+d+, "kill" → k+i+l{2,}), so "al" never becomes "all"."""
    runs = re.findall(r"((.)\2*)", word)
    return "".join(
        re.escape(letter) + ("+" if len(run) == 1 else f"{{{len(run)},}}") for run, letter in runs
    )


_RESPELL_TARGET = {wrong: right for right, wrongs in _MISSPELLINGS.items() for wrong in wrongs}


def _respell_pattern() -> re.Pattern[str]:
    # Alternatives grouped by their first letter, so that at each word start only the
    # branches for that letter are tried (one regex pass stays cheap on long posts).
    branches: dict[str, list[str]] = {}
    for i, word in enumerate(_RESPELLED_WORDS):
        branches.setdefault(word[0], []).append(f"(?P<w{i}>{_stretchable(word)})")
    for wrong in sorted(_RESPELL_TARGET, key=len, reverse=True):
        branches.setdefault(wrong[0], []).append(re.escape(wrong))
    return re.compile(
        r"(?<![a-z'])(?:"
        + "|".join(f"(?={re.escape(c)})(?:{'|'.join(alts)})" for c, alts in branches.items())
        + r")(?![a-z'])"
    )


_RESPELL = _respell_pattern()
_SPACES = re.compile(r"[ \t]{2,}")
# Posts copied from web pages keep HTML entities; "&gt;" starts a quoted line.
_ENTITY = re.compile(r"&(?:gt|lt|amp|quot|apos|nbsp|#39|#34|#x27|#62);")
_ENTITIES = {
    "&gt;": ">",
    "&lt;": "<",
    "&amp;": "&",
    "&quot;": '"',
    "&apos;": "'",
    "&nbsp;": " ",
    "&#39;": "'",
    "&#34;": '"',
    "&#x27;": "'",
    "&#62;": ">",
}


@dataclass(frozen=True, slots=True)
class Normalized:
    """Folded text plus, for each folded character, the index of its original character."""

    text: str
    origin: tuple[int, ...]
    original: str
    # Where each folded character's source ends; differs from origin + 1 only for entities.
    origin_end: tuple[int, ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the folded text to a half-open span of the original."""
        if not self.origin:
            return (0, 0)
        start = max(0, min(start, len(self.origin) - 1))
        end = max(start + 1, min(end, len(self.origin)))
        last = end - 1
        stop = self.origin_end[last] if self.origin_end else self.origin[last] + 1
        # Letters a stretched word lost in folding ("diiieee") belong to the span: repeats of
        # its last letter up to where the next folded character comes from.
        original = self.original
        limit = self.origin[end] if end < len(self.origin) else len(original)
        while (
            stop < limit
            and original[stop].isalpha()
            and original[stop].lower() == original[stop - 1].lower()
        ):
            stop += 1
        return (self.origin[start], stop)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        # A lone surrogate cannot be encoded; a space keeps words on either side apart.
        return " "
    mapped = _PUNCT.get(char)
    if mapped is not None:
        return mapped
    category = unicodedata.category(char)
    if category == "Cf" or char in _INVISIBLE:
        return ""
    if category.startswith("Z") or category == "Cc":
        return " "
    glyphs = homoglyph_map()
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part):
            continue
        if part.isascii():
            out.append(part.lower())
            continue
        out.append(glyphs.get(part) or part.lower())
    return "".join(out)


def _fold(text: str) -> tuple[str, list[int], dict[int, int]]:
    chars: list[str] = []
    origin: list[int] = []
    entity_ends: dict[int, int] = {}
    entities = {m.start(): m for m in _ENTITY.finditer(text)} if "&" in text else {}
    skip_to = 0
    for index, char in enumerate(text):
        if index < skip_to:
            continue
        entity = entities.get(index)
        if entity is not None:
            chars.append(_ENTITIES[entity.group()])
            origin.append(index)
            entity_ends[index] = entity.end()
            skip_to = entity.end()
            continue
        if char < "\x80":
            if char in "\t\r\f\v":
                chars.append(" ")
            else:
                chars.append(char.lower())
            origin.append(index)
            continue
        folded = _fold_char(char)
        for part in folded:
            chars.append(part)
            origin.append(index)
    return "".join(chars), origin, entity_ends


def _unleet(text: str) -> str:
    if not any(c in _LEET or c in _LEET_SYMBOLS for c in text):
        return text
    chars = list(text)
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.isalpha() or not any(c.isalpha() for c in token):
            continue
        base = match.start()
        seen_letter = False
        for offset, char in enumerate(token):
            if char.isalpha():
                seen_letter = True
                continue
            replacement = _LEET.get(char)
            if replacement is None:
                continue
            before = token[offset - 1] if offset > 0 else ""
            after = token[offset + 1] if offset + 1 < len(token) else ""
            if char in _LEET_SYMBOLS:
                # "$uicide" and "k!ll" are words; "die!" and "5$" are punctuation and money.
                inside = before.isalnum() and after.isalnum()
                leading = offset == 0 and token[1:3].isalpha()
                if inside or (leading and char != "!"):
                    chars[base + offset] = replacement
            elif seen_letter:
                # A digit after a letter ("k1ll", "mys3lf"); leading digits stay numbers
                # ("3am", "100mg", "2nd").
                chars[base + offset] = replacement
    return "".join(chars)


def _rewrite(
    text: str,
    origin: list[int],
    pattern: re.Pattern[str],
    keep: Callable[[re.Match[str]], list[int]],
) -> tuple[str, list[int]]:
    """Replace each match by a subset of its own characters, chosen by ``keep`` (indices)."""
    edits = (
        (match, "".join(text[i] for i in kept), [origin[i] for i in kept])
        for match in pattern.finditer(text)
        for kept in (keep(match),)
    )
    return _splice(text, origin, edits)


def _respell(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Replace stretched and misspelt risk words by their spelling; each new character points
    at the matched characters in order (the last one repeats), so spans stay inside the word."""

    def edits() -> Iterator[tuple[re.Match[str], str, list[int]]]:
        for match in _RESPELL.finditer(text):
            found, group = match.group(), match.lastgroup
            word = _RESPELLED_WORDS[int(group[1:])] if group else _RESPELL_TARGET[found]
            if word != found:
                start, last = match.start(), match.end() - 1
                origins = [origin[min(start + k, last)] for k in range(len(word) - 1)]
                yield match, word, [*origins, origin[last]]

    return _splice(text, origin, edits())


def _splice(
    text: str, origin: list[int], edits: Iterable[tuple[re.Match[str], str, list[int]]]
) -> tuple[str, list[int]]:
    """Put each edit's characters (and their origins) in place of its match, in order."""
    out_chars: list[str] = []
    out_origin: list[int] = []
    position = 0
    for match, chars, origins in edits:
        out_chars.append(text[position : match.start()])
        out_origin.extend(origin[position : match.start()])
        out_chars.append(chars)
        out_origin.extend(origins)
        position = match.end()
    if position == 0:
        return text, origin
    out_chars.append(text[position:])
    out_origin.extend(origin[position:])
    return "".join(out_chars), out_origin


def _keep_two(match: re.Match[str]) -> list[int]:
    return [match.start(), match.start() + 1]


def _keep_letters(match: re.Match[str]) -> list[int]:
    return [i for i in range(match.start(), match.end()) if match.string[i].isalpha()]


def _keep_first(match: re.Match[str]) -> list[int]:
    return [match.start()]


def normalize(text: str) -> Normalized:
    """Fold ``text`` for matching: lower case, Latin look-alikes, no invisible characters,
    leetspeak and letter-spacing undone, long letter runs shortened, stretched or misspelt
    risk words respelled, spaces collapsed."""
    folded, origin, entity_ends = _fold(text)
    folded = _unleet(folded)
    folded, origin = _rewrite(folded, origin, _ELONGATED_SINGLE, _keep_first)
    folded, origin = _rewrite(folded, origin, _ELONGATED, _keep_two)
    folded, origin = _rewrite(folded, origin, _SPACED, _keep_letters)
    folded, origin = _rewrite(folded, origin, _SPACED_SHORT, _keep_letters)
    folded, origin = _rewrite(folded, origin, _CHUNKED, _keep_letters)
    folded, origin = _rewrite(folded, origin, _SPACES, _keep_first)
    folded, origin = _respell(folded, origin)
    ends = tuple(entity_ends.get(o, o + 1) for o in origin) if entity_ends else ()
    return Normalized(text=folded, origin=tuple(origin), original=text, origin_end=ends)
