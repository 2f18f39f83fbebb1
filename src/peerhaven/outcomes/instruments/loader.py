"""Instrument definitions: JSON files turned into typed, frozen dataclasses.

Everything a definition can get wrong is checked here, once, when it is loaded, so that the
scoring engine can trust what it is given and never needs a per-instrument code path. Every
error names the file and the field path (``phq9.json: items[3].options: ...``) because the
people who write these files are programme admins, not Python developers.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn, cast

__all__ = [
    "DEFINITIONS_DIR",
    "FORMAT_VERSION",
    "OPERATORS",
    "AnswerOption",
    "Band",
    "ClinicalCutoff",
    "Condition",
    "DefinitionError",
    "Flag",
    "InstrumentDefinition",
    "Item",
    "Licence",
    "MissingRule",
    "OptionSet",
    "ReliableChangeSpec",
    "ScoreRule",
    "Sourced",
    "aggregate",
    "get_definition",
    "load_all",
    "load_definition",
    "parse_definition",
]

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
FORMAT_VERSION = 1

Rule = Literal["sum", "mean"]
Op = Literal[">", ">=", "<", "<=", "=="]
FlagKind = Literal["safety", "screening", "info"]
ChangeMethod = Literal["jacobson_truax", "fixed_threshold", "none"]
LicenceStatus = Literal["confirmed", "unconfirmed", "own"]

OPERATORS: Mapping[str, Callable[[Any, Any], bool]] = MappingProxyType(
    {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq}
)
_RULES = ("sum", "mean")
_FLAG_KINDS = ("safety", "screening", "info")
_CHANGE_METHODS = ("jacobson_truax", "fixed_threshold", "none")
_LICENCE_STATUSES = ("confirmed", "unconfirmed", "own")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LOINC_TERM_RE = re.compile(r"^(\d{1,7})-(\d)$")
_LOINC_ANSWER_RE = re.compile(r"^LA\d{1,7}-\d$")
_LOINC_LIST_RE = re.compile(r"^LL\d{1,7}-\d$")
# Keys that may appear anywhere so that admins can annotate a file without tripping validation.
_COMMENT_KEYS = frozenset({"$comment", "notes"})


class DefinitionError(ValueError):
    """A definition file is malformed; the message names the file and the field path."""

    def __init__(self, file: str, path: str, reason: str) -> None:
        self.file = file
        self.path = path
        self.reason = reason
        super().__init__(f"{file}: {path}: {reason}" if path else f"{file}: {reason}")


# --- the typed model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sourced:
    """A figure or fact together with where it came from and whether that was confirmed."""

    value: float | None
    confirmed: bool
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str
    loinc: str | None = None


@dataclass(frozen=True)
class OptionSet:
    id: str
    options: tuple[AnswerOption, ...]
    loinc_answer_list: str | None
    values: frozenset[int]
    min_value: int
    max_value: int

    def label_for(self, value: int) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        raise KeyError(value)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    option_set: OptionSet
    reverse_keyed: bool
    scored: bool
    loinc: str | None
    uses_stem: bool

    def keyed_value(self, answer: int) -> int:
        """The value that counts towards scores; reverse keying mirrors it within the set."""
        if self.reverse_keyed:
            return self.option_set.max_value + self.option_set.min_value - answer
        return answer


@dataclass(frozen=True)
class ScoreRule:
    """The total or a subscale: which items, combined how, and the range it can take."""

    id: str
    label: str
    rule: Rule
    item_ids: tuple[str, ...]
    loinc: str | None
    minimum: float
    maximum: float


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    meaning: str
    min: float
    max: float
    min_inclusive: bool = True
    max_inclusive: bool = True

    def contains(self, total: float) -> bool:
        above = total >= self.min if self.min_inclusive else total > self.min
        below = total <= self.max if self.max_inclusive else total < self.max
        return above and below

    def range_text(self) -> str:
        left = "[" if self.min_inclusive else "("
        right = "]" if self.max_inclusive else ")"
        return f"{left}{_num(self.min)}, {_num(self.max)}{right}"


@dataclass(frozen=True)
class Condition:
    """``item`` compares the raw answer (what the person chose); ``score`` a computed score."""

    item: str | None
    score: str | None
    op: Op
    value: float

    def holds(self, observed: float) -> bool:
        return OPERATORS[self.op](observed, self.value)

    def describe(self) -> str:
        target = f"item {self.item}" if self.item is not None else f"score {self.score}"
        return f"{target} {self.op} {_num(self.value)}"


@dataclass(frozen=True)
class Flag:
    id: str
    label: str
    meaning: str
    kind: FlagKind
    when: Condition
    confirmed: bool
    source: str | None
    note: str | None


@dataclass(frozen=True)
class MissingRule:
    """How many scored items may be missing before a score is withheld.

    With ``max_missing`` 0 (the default and what every shipped instrument uses) any missing
    item means no score. Above 0, the missing items are filled with the mean of the answered
    ones (person-mean proration), except items in ``never_impute``: a missing PHQ-9 item 9
    must never be guessed, because a guess could hide a person at risk.
    """

    max_missing: int
    never_impute: frozenset[str]
    note: str | None


@dataclass(frozen=True)
class ClinicalCutoff:
    value: float
    case_when: Op
    label: str
    confirmed: bool
    source: str | None
    note: str | None

    def is_case(self, total: float) -> bool:
        return OPERATORS[self.case_when](total, self.value)


@dataclass(frozen=True)
class ReliableChangeSpec:
    preferred: ChangeMethod
    reliability: Sourced | None
    sd: Sourced | None
    fixed_threshold: Sourced | None


@dataclass(frozen=True)
class Licence:
    status: LicenceStatus
    text: str
    source: str | None


@dataclass(frozen=True)
class InstrumentDefinition:
    id: str
    version: str
    title: str
    short_title: str
    description: str
    stem: str
    higher_is_worse: bool
    enabled_by_default: bool
    option_sets: Mapping[str, OptionSet]
    items: tuple[Item, ...]
    total: ScoreRule
    subscales: tuple[ScoreRule, ...]
    bands: tuple[Band, ...]
    bands_source: Sourced | None
    flags: tuple[Flag, ...]
    missing: MissingRule
    clinical_cutoff: ClinicalCutoff | None
    reliable_change: ReliableChangeSpec
    loinc_panel: str | None
    citation: str
    licence: Licence
    sources: tuple[str, ...]
    path: Path | None = field(default=None, compare=False)
    _items_by_id: Mapping[str, Item] = field(default_factory=dict, repr=False, compare=False)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def scored_item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items if item.scored)

    @property
    def score_rules(self) -> tuple[ScoreRule, ...]:
        return (self.total, *self.subscales)

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items_by_id

    def band_for(self, total: float | None) -> Band | None:
        if total is None:
            return None
        for band in self.bands:
            if band.contains(total):
                return band
        return None


def aggregate(rule: Rule, keyed_sum: int, answered: int, n_items: int) -> float:
    """Combine keyed item values into a score; the one place this arithmetic lives.

    The validator, the scalar engine and (mirrored operation by operation) the vectorised
    engine use exactly this, so a band edge can never be reached by one and not another.
    Prorated sums are rounded half up to stay on the published integer scale.
    """
    if answered == n_items:
        return keyed_sum if rule == "sum" else keyed_sum / n_items
    if rule == "sum":
        return math.floor(keyed_sum * n_items / answered + 0.5)
    return keyed_sum / answered


# --- loading -------------------------------------------------------------------------------


def load_definition(path: str | Path) -> InstrumentDefinition:
    """Read and validate one definition file. Raises :class:`DefinitionError`."""
    path = Path(path)
    name = path.name
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DefinitionError(name, "", f"cannot be read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            name, "", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    defn = parse_definition(raw, file=name)
    if defn.id != path.stem:
        raise DefinitionError(name, "id", f"'{defn.id}' does not match the file name")
    return _with_path(defn, path)


def load_all(directory: str | Path | None = None) -> dict[str, InstrumentDefinition]:
    """Load every ``*.json`` definition in ``directory`` (default: the shipped ones)."""
    directory = DEFINITIONS_DIR if directory is None else Path(directory)
    found: dict[str, InstrumentDefinition] = {}
    for path in sorted(directory.glob("*.json")):
        defn = load_definition(path)
        found[defn.id] = defn
    return found


@lru_cache(maxsize=1)
def _shipped() -> Mapping[str, InstrumentDefinition]:
    return MappingProxyType(load_all())


def shipped_definitions() -> Mapping[str, InstrumentDefinition]:
    """Every shipped definition by id, loaded once per process (read-only)."""
    return _shipped()


def get_definition(instrument_id: str) -> InstrumentDefinition:
    """A shipped definition by id, loaded once per process."""
    try:
        return _shipped()[instrument_id]
    except KeyError:
        known = ", ".join(sorted(_shipped()))
        raise KeyError(f"unknown instrument '{instrument_id}' (known: {known})") from None


def _with_path(defn: InstrumentDefinition, path: Path) -> InstrumentDefinition:
    return replace(defn, path=path)


# --- parsing and validation ----------------------------------------------------------------


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Reader:
    """Typed field access that turns every mistake into a DefinitionError with its path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, reason: str) -> NoReturn:
        raise DefinitionError(self.file, path, reason)

    def obj(
        self, value: Any, path: str, *, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path or "(top level)", f"must be an object, not {_type_name(value)}")
        required = tuple(required)
        allowed = set(required) | set(optional) | _COMMENT_KEYS
        for key in value:
            if key not in allowed:
                self.fail(
                    _join(path, key), f"unknown field (allowed: {', '.join(sorted(allowed))})"
                )
        for key in required:
            if key not in value:
                self.fail(_join(path, key), "is required")
        return value

    def text(self, obj: Mapping[str, Any], key: str, path: str) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(_join(path, key), f"must be a non-empty string, not {_type_name(value)}")
        return value

    def opt_text(self, obj: Mapping[str, Any], key: str, path: str) -> str | None:
        return None if obj.get(key) is None else self.text(obj, key, path)

    def ident(self, obj: Mapping[str, Any], key: str, path: str) -> str:
        value = self.text(obj, key, path)
        if not _ID_RE.match(value):
            self.fail(
                _join(path, key),
                f"'{value}' must be lower-case letters, digits and underscores, "
                "starting with a letter",
            )
        return value

    def flag(self, obj: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.fail(_join(path, key), f"must be true or false, not {_type_name(value)}")
        return value

    def number(self, obj: Mapping[str, Any], key: str, path: str) -> float:
        value = obj.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(_join(path, key), f"must be a number, not {_type_name(value)}")
        return value

    def integer(self, obj: Mapping[str, Any], key: str, path: str) -> int:
        value = obj.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), f"must be a whole number, not {_type_name(value)}")
        return value

    def choice(self, obj: Mapping[str, Any], key: str, path: str, choices: Sequence[str]) -> str:
        value = obj.get(key)
        if value not in choices:
            self.fail(_join(path, key), f"must be one of {', '.join(choices)}, not {value!r}")
        return cast(str, value)

    def array(self, obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.fail(_join(path, key), f"must be a list, not {_type_name(value)}")
        return value

    def loinc(self, obj: Mapping[str, Any], key: str, path: str, kind: str = "term") -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        here = _join(path, key)
        if not isinstance(value, str):
            self.fail(here, f"must be a LOINC code string, not {_type_name(value)}")
        if kind == "answer":
            if not _LOINC_ANSWER_RE.match(value):
                self.fail(here, f"'{value}' is not a LOINC answer code (LAnnnn-n)")
        elif kind == "list":
            if not _LOINC_LIST_RE.match(value):
                self.fail(here, f"'{value}' is not a LOINC answer list code (LLnnnn-n)")
        else:
            match = _LOINC_TERM_RE.match(value)
            if not match:
                self.fail(here, f"'{value}' is not a LOINC code (nnnnn-n)")
            if _loinc_check_digit(match.group(1)) != int(match.group(2)):
                self.fail(here, f"'{value}' has a wrong check digit (typo?)")
        return value

    def sourced(self, value: Any, path: str, *, with_value: bool) -> Sourced:
        obj = self.obj(
            value,
            path,
            required=("confirmed",),
            optional=("value", "source", "note") if with_value else ("source", "note"),
        )
        confirmed = self.flag(obj, "confirmed", path, False)
        source = self.opt_text(obj, "source", path)
        note = self.opt_text(obj, "note", path)
        number = None if obj.get("value") is None else self.number(obj, "value", path)
        if confirmed and source is None:
            self.fail(_join(path, "source"), "is required when confirmed is true")
        if not confirmed and note is None:
            # An unconfirmed figure without a note would look just like a sourced one to a
            # reader of the file; make the author say what is uncertain.
            self.fail(_join(path, "note"), "is required when confirmed is false")
        if confirmed and with_value and number is None:
            self.fail(_join(path, "value"), "is required when confirmed is true")
        return Sourced(value=number, confirmed=confirmed, source=source, note=note)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )


def _loinc_check_digit(digits: str) -> int:
    # LOINC uses the mod-10 (Luhn) scheme on the numeric part; a transposed digit in a code
    # copied by hand is the most likely error in these files.
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit // 10 + digit % 10
        total += digit
    return (10 - total % 10) % 10


_TOP_REQUIRED = (
    "format",
    "id",
    "version",
    "title",
    "description",
    "stem",
    "higher_is_worse",
    "enabled_by_default",
    "option_sets",
    "items",
    "total",
    "missing",
    "reliable_change",
    "citation",
    "licence",
)
_TOP_OPTIONAL = (
    "short_title",
    "subscales",
    "bands",
    "bands_source",
    "flags",
    "clinical_cutoff",
    "loinc_panel",
    "sources",
)


def parse_definition(raw: Any, *, file: str = "<definition>") -> InstrumentDefinition:
    """Validate an already-decoded definition (a dict from JSON) and build the dataclasses."""
    r = _Reader(file)
    top = r.obj(raw, "", required=_TOP_REQUIRED, optional=_TOP_OPTIONAL)
    if top["format"] != FORMAT_VERSION:
        r.fail("format", f"this engine reads format {FORMAT_VERSION}, not {top['format']!r}")
    instrument_id = r.ident(top, "id", "")

    option_sets = _parse_option_sets(r, top)
    items = _parse_items(r, top, option_sets)
    by_id = {item.id: item for item in items}
    missing = _parse_missing(r, top, by_id)

    total = _parse_rule(r, top["total"], "total", by_id, missing, rule_id="total", label="Total")
    subscales: list[ScoreRule] = []
    for i, raw_sub in enumerate(r.array(top, "subscales", "")):
        path = f"subscales[{i}]"
        sub = r.obj(raw_sub, path, required=("id", "label", "rule", "items"), optional=("loinc",))
        sub_id = r.ident(sub, "id", path)
        if sub_id == "total" or sub_id in {s.id for s in subscales}:
            r.fail(_join(path, "id"), f"'{sub_id}' is already used")
        subscales.append(
            _parse_rule(
                r, sub, path, by_id, missing, rule_id=sub_id, label=r.text(sub, "label", path)
            )
        )
    rules = {rule.id: rule for rule in (total, *subscales)}

    bands = _parse_bands(r, top, total, by_id, missing)
    bands_source = (
        r.sourced(top["bands_source"], "bands_source", with_value=False)
        if top.get("bands_source") is not None
        else None
    )
    if bands and bands_source is None:
        r.fail("bands_source", "is required when there are bands (say where the edges come from)")
    flags = _parse_flags(r, top, by_id, rules)
    cutoff = _parse_cutoff(r, top, total)
    change = _parse_change(r, top)
    licence = _parse_licence(r, top)
    enabled = r.flag(top, "enabled_by_default", "", False)
    if enabled and licence.status == "unconfirmed":
        r.fail(
            "enabled_by_default",
            "must be false while licence.status is 'unconfirmed' (an admin decides)",
        )
    sources = r.array(top, "sources", "")
    for i, source in enumerate(sources):
        if not isinstance(source, str) or not source.strip():
            r.fail(f"sources[{i}]", f"must be a non-empty string, not {_type_name(source)}")

    return InstrumentDefinition(
        id=instrument_id,
        version=r.text(top, "version", ""),
        title=r.text(top, "title", ""),
        short_title=r.opt_text(top, "short_title", "") or r.text(top, "title", ""),
        description=r.text(top, "description", ""),
        stem=r.text(top, "stem", ""),
        higher_is_worse=r.flag(top, "higher_is_worse", "", True),
        enabled_by_default=enabled,
        option_sets=MappingProxyType(option_sets),
        items=tuple(items),
        total=total,
        subscales=tuple(subscales),
        bands=tuple(bands),
        bands_source=bands_source,
        flags=tuple(flags),
        missing=missing,
        clinical_cutoff=cutoff,
        reliable_change=change,
        loinc_panel=r.loinc(top, "loinc_panel", ""),
        citation=r.text(top, "citation", ""),
        licence=licence,
        sources=tuple(sources),
        _items_by_id=MappingProxyType(by_id),
    )


def _parse_option_set(r: _Reader, raw: Any, path: str, set_id: str) -> OptionSet:
    obj = r.obj(raw, path, required=("options",), optional=("loinc_answer_list",))
    options: list[AnswerOption] = []
    raw_options = r.array(obj, "options", path)
    if len(raw_options) < 2:
        r.fail(_join(path, "options"), "needs at least two answer options")
    for j, raw_option in enumerate(raw_options):
        opath = f"{_join(path, 'options')}[{j}]"
        opt = r.obj(raw_option, opath, required=("value", "label"), optional=("loinc",))
        # Answers are stored and compared as integers, and reverse keying needs arithmetic on
        # them, so an option value must be a whole number.
        value = r.integer(opt, "value", opath)
        label = r.text(opt, "label", opath)
        if value in {o.value for o in options}:
            r.fail(_join(opath, "value"), f"{value} is used by another option in this set")
        if label in {o.label for o in options}:
            r.fail(_join(opath, "label"), f"'{label}' is used by another option in this set")
        options.append(AnswerOption(value, label, r.loinc(opt, "loinc", opath, kind="answer")))
    values = frozenset(o.value for o in options)
    return OptionSet(
        id=set_id,
        options=tuple(options),
        loinc_answer_list=r.loinc(obj, "loinc_answer_list", path, kind="list"),
        values=values,
        min_value=min(values),
        max_value=max(values),
    )


def _parse_option_sets(r: _Reader, top: Mapping[str, Any]) -> dict[str, OptionSet]:
    raw_sets = top["option_sets"]
    if not isinstance(raw_sets, dict):
        r.fail("option_sets", f"must be an object, not {_type_name(raw_sets)}")
    sets: dict[str, OptionSet] = {}
    for set_id, raw in raw_sets.items():
        if set_id in _COMMENT_KEYS:
            continue
        path = f"option_sets.{set_id}"
        if not _ID_RE.match(set_id):
            r.fail(path, "option set names must be lower-case letters, digits and underscores")
        sets[set_id] = _parse_option_set(r, raw, path, set_id)
    return sets


_ITEM_FIELDS = ("reverse_keyed", "scored", "loinc", "uses_stem")


def _parse_items(r: _Reader, top: Mapping[str, Any], sets: Mapping[str, OptionSet]) -> list[Item]:
    raw_items = r.array(top, "items", "")
    if not raw_items:
        r.fail("items", "needs at least one item")
    items: list[Item] = []
    for i, raw in enumerate(raw_items):
        path = f"items[{i}]"
        obj = r.obj(raw, path, required=("id", "text", "options"), optional=_ITEM_FIELDS)
        item_id = r.ident(obj, "id", path)
        if item_id in {item.id for item in items}:
            r.fail(_join(path, "id"), f"'{item_id}' is used by another item")
        ref = obj["options"]
        if isinstance(ref, str):
            if ref not in sets:
                r.fail(_join(path, "options"), f"unknown option set '{ref}'")
            option_set = sets[ref]
        else:
            option_set = _parse_option_set(r, ref, _join(path, "options"), f"{item_id}_inline")
        reverse = r.flag(obj, "reverse_keyed", path, False)
        if reverse:
            mirrored = {option_set.max_value + option_set.min_value - v for v in option_set.values}
            if mirrored != option_set.values:
                # max+min-value only maps the set onto itself when the values are evenly
                # mirrored; otherwise a reversed answer would score a value nobody can choose.
                r.fail(
                    _join(path, "reverse_keyed"),
                    "option values must be symmetric (e.g. 0-3 or 1-5) to reverse-key "
                    f"'{item_id}'; got {sorted(option_set.values)}",
                )
        items.append(
            Item(
                id=item_id,
                text=r.text(obj, "text", path),
                option_set=option_set,
                reverse_keyed=reverse,
                scored=r.flag(obj, "scored", path, True),
                loinc=r.loinc(obj, "loinc", path),
                uses_stem=r.flag(obj, "uses_stem", path, True),
            )
        )
    if not any(item.scored for item in items):
        r.fail("items", "at least one item must be scored")
    return items


def _parse_missing(r: _Reader, top: Mapping[str, Any], by_id: Mapping[str, Item]) -> MissingRule:
    path = "missing"
    obj = r.obj(top["missing"], path, required=("max_missing",), optional=("never_impute", "note"))
    max_missing = r.integer(obj, "max_missing", path)
    if max_missing < 0:
        r.fail(_join(path, "max_missing"), "must be 0 or more")
    never = r.array(obj, "never_impute", path)
    for j, item_id in enumerate(never):
        if item_id not in by_id:
            r.fail(f"{path}.never_impute[{j}]", f"unknown item '{item_id}'")
    return MissingRule(max_missing, frozenset(never), r.opt_text(obj, "note", path))


def _parse_rule(
    r: _Reader,
    raw: Any,
    path: str,
    by_id: Mapping[str, Item],
    missing: MissingRule,
    *,
    rule_id: str,
    label: str,
) -> ScoreRule:
    optional = ("items", "loinc") if rule_id == "total" else ("loinc",)
    required = ("rule",) if rule_id == "total" else ("id", "label", "rule", "items")
    obj = r.obj(raw, path, required=required, optional=optional)
    rule = cast(Rule, r.choice(obj, "rule", path, _RULES))
    if "items" in obj:
        ids = r.array(obj, "items", path)
        if not ids:
            r.fail(_join(path, "items"), "needs at least one item")
    else:
        ids = [item_id for item_id, item in by_id.items() if item.scored]
    seen: set[str] = set()
    for j, item_id in enumerate(ids):
        here = f"{_join(path, 'items')}[{j}]"
        if item_id not in by_id:
            r.fail(here, f"unknown item '{item_id}'")
        if not by_id[item_id].scored:
            r.fail(here, f"item '{item_id}' is marked scored: false")
        if item_id in seen:
            r.fail(here, f"item '{item_id}' is listed twice")
        seen.add(item_id)
    members = [by_id[item_id] for item_id in ids]
    possible = _possible_scores(members, rule, missing)
    return ScoreRule(
        id=rule_id,
        label=label,
        rule=rule,
        item_ids=tuple(ids),
        loinc=r.loinc(obj, "loinc", path),
        minimum=possible[0],
        maximum=possible[-1],
    )


def _possible_scores(items: Sequence[Item], rule: Rule, missing: MissingRule) -> list[float]:
    """Every value the score can take, computed with the scoring arithmetic itself."""
    n = len(items)
    # (answered count) -> set of keyed sums; a dynamic programme instead of a product over all
    # answer combinations, which would be 4**10 for a 10-item scale.
    states: dict[int, set[int]] = {0: {0}}
    for position, item in enumerate(items, start=1):
        keyed = {item.keyed_value(v) for v in item.option_set.values}
        can_skip = missing.max_missing > 0 and item.id not in missing.never_impute
        nxt: dict[int, set[int]] = {}
        for answered, sums in states.items():
            if can_skip and position - answered <= missing.max_missing:
                nxt.setdefault(answered, set()).update(sums)
            nxt.setdefault(answered + 1, set()).update(s + v for s in sums for v in keyed)
        states = nxt
    possible = {
        aggregate(rule, s, answered, n)
        for answered, sums in states.items()
        if answered >= 1 and n - answered <= missing.max_missing
        for s in sums
    }
    return sorted(possible)


def _parse_bands(
    r: _Reader,
    top: Mapping[str, Any],
    total: ScoreRule,
    by_id: Mapping[str, Item],
    missing: MissingRule,
) -> list[Band]:
    bands: list[Band] = []
    fields = ("id", "label", "meaning", "min", "max")
    for i, raw in enumerate(r.array(top, "bands", "")):
        path = f"bands[{i}]"
        obj = r.obj(raw, path, required=fields, optional=("min_inclusive", "max_inclusive"))
        band_id = r.ident(obj, "id", path)
        if band_id in {b.id for b in bands}:
            r.fail(_join(path, "id"), f"'{band_id}' is used by another band")
        band = Band(
            id=band_id,
            label=r.text(obj, "label", path),
            meaning=r.text(obj, "meaning", path),
            min=r.number(obj, "min", path),
            max=r.number(obj, "max", path),
            min_inclusive=r.flag(obj, "min_inclusive", path, True),
            max_inclusive=r.flag(obj, "max_inclusive", path, True),
        )
        if band.min > band.max or (
            band.min == band.max and not (band.min_inclusive and band.max_inclusive)
        ):
            r.fail(path, f"{band.range_text()} is empty (min must be below max)")
        if bands:
            prev = bands[-1]
            if band.min < prev.min:
                r.fail(_join(path, "min"), "bands must be listed from the lowest to the highest")
            if band.min < prev.max or (
                band.min == prev.max and band.min_inclusive and prev.max_inclusive
            ):
                r.fail(
                    path,
                    f"'{band_id}' {band.range_text()} overlaps bands[{i - 1}] "
                    f"'{prev.id}' {prev.range_text()}",
                )
        bands.append(band)
    if not bands:
        return bands

    members = [by_id[item_id] for item_id in total.item_ids]
    possible = _possible_scores(members, total.rule, missing)
    low, high = possible[0], possible[-1]
    if bands[0].min < low:
        r.fail(
            "bands[0].min", f"{_num(bands[0].min)} is below the lowest possible total {_num(low)}"
        )
    if bands[-1].max > high:
        last = len(bands) - 1
        r.fail(
            f"bands[{last}].max",
            f"{_num(bands[-1].max)} is above the highest possible total {_num(high)}",
        )
    covered: set[str] = set()
    for value in possible:
        found = next((b for b in bands if b.contains(value)), None)
        if found is None:
            r.fail(
                "bands",
                f"no band covers the possible total {value:g} (possible totals run from "
                f"{_num(low)} to {_num(high)}; bands must be contiguous)",
            )
        covered.add(found.id)
    for i, band in enumerate(bands):
        if band.id not in covered:
            r.fail(f"bands[{i}]", f"'{band.id}' {band.range_text()} contains no possible total")
    return bands


def _parse_flags(
    r: _Reader,
    top: Mapping[str, Any],
    by_id: Mapping[str, Item],
    rules: Mapping[str, ScoreRule],
) -> list[Flag]:
    flags: list[Flag] = []
    for i, raw in enumerate(r.array(top, "flags", "")):
        path = f"flags[{i}]"
        obj = r.obj(
            raw,
            path,
            required=("id", "label", "meaning", "kind", "when", "confirmed"),
            optional=("source", "note"),
        )
        flag_id = r.ident(obj, "id", path)
        if flag_id in {f.id for f in flags}:
            r.fail(_join(path, "id"), f"'{flag_id}' is used by another flag")
        wpath = _join(path, "when")
        when = r.obj(obj["when"], wpath, required=("op", "value"), optional=("item", "score"))
        if ("item" in when) == ("score" in when):
            r.fail(wpath, "needs exactly one of 'item' or 'score'")
        if "item" in when and when["item"] not in by_id:
            r.fail(_join(wpath, "item"), f"unknown item '{when['item']}'")
        if "score" in when and when["score"] not in rules:
            known = ", ".join(rules)
            r.fail(_join(wpath, "score"), f"unknown score '{when['score']}' (known: {known})")
        condition = Condition(
            item=when.get("item"),
            score=when.get("score"),
            op=cast(Op, r.choice(when, "op", wpath, tuple(OPERATORS))),
            value=r.number(when, "value", wpath),
        )
        confirmed = r.flag(obj, "confirmed", path, False)
        source = r.opt_text(obj, "source", path)
        note = r.opt_text(obj, "note", path)
        if confirmed and source is None:
            r.fail(_join(path, "source"), "is required when confirmed is true")
        if not confirmed and note is None:
            r.fail(_join(path, "note"), "is required when confirmed is false")
        flags.append(
            Flag(
                id=flag_id,
                label=r.text(obj, "label", path),
                meaning=r.text(obj, "meaning", path),
                kind=cast(FlagKind, r.choice(obj, "kind", path, _FLAG_KINDS)),
                when=condition,
                confirmed=confirmed,
                source=source,
                note=note,
            )
        )
    return flags


def _parse_cutoff(r: _Reader, top: Mapping[str, Any], total: ScoreRule) -> ClinicalCutoff | None:
    if top.get("clinical_cutoff") is None:
        return None
    path = "clinical_cutoff"
    obj = r.obj(
        top[path],
        path,
        required=("value", "case_when", "label", "confirmed"),
        optional=("source", "note"),
    )
    sourced = r.sourced(
        {k: obj[k] for k in ("value", "confirmed", "source", "note") if k in obj},
        path,
        with_value=True,
    )
    value = r.number(obj, "value", path)
    if not total.minimum <= value <= total.maximum:
        r.fail(
            _join(path, "value"),
            f"{_num(value)} is outside the possible totals {_num(total.minimum)}-"
            f"{_num(total.maximum)}",
        )
    return ClinicalCutoff(
        value=value,
        case_when=cast(Op, r.choice(obj, "case_when", path, (">=", ">", "<=", "<"))),
        label=r.text(obj, "label", path),
        confirmed=sourced.confirmed,
        source=sourced.source,
        note=sourced.note,
    )


def _parse_change(r: _Reader, top: Mapping[str, Any]) -> ReliableChangeSpec:
    path = "reliable_change"
    obj = r.obj(
        top[path], path, required=("preferred",), optional=("reliability", "sd", "fixed_threshold")
    )
    preferred = cast(ChangeMethod, r.choice(obj, "preferred", path, _CHANGE_METHODS))
    parts: dict[str, Sourced | None] = {}
    for key in ("reliability", "sd", "fixed_threshold"):
        parts[key] = (
            r.sourced(obj[key], _join(path, key), with_value=True)
            if obj.get(key) is not None
            else None
        )
    reliability, sd, fixed = parts["reliability"], parts["sd"], parts["fixed_threshold"]
    if reliability is not None and reliability.value is not None and not 0 < reliability.value < 1:
        r.fail(_join(path, "reliability.value"), "must be between 0 and 1 (exclusive)")
    if sd is not None and sd.value is not None and sd.value <= 0:
        r.fail(_join(path, "sd.value"), "must be above 0")
    if fixed is not None and fixed.value is not None and fixed.value <= 0:
        r.fail(_join(path, "fixed_threshold.value"), "must be above 0")
    if preferred == "jacobson_truax":
        for key, part in (("reliability", reliability), ("sd", sd)):
            if part is None or part.value is None:
                r.fail(_join(path, key), "needs a value when preferred is jacobson_truax")
    if preferred == "fixed_threshold" and (fixed is None or fixed.value is None):
        r.fail(_join(path, "fixed_threshold"), "needs a value when preferred is fixed_threshold")
    return ReliableChangeSpec(preferred, reliability, sd, fixed)


def _parse_licence(r: _Reader, top: Mapping[str, Any]) -> Licence:
    path = "licence"
    obj = r.obj(top[path], path, required=("status", "text"), optional=("source",))
    status = cast(LicenceStatus, r.choice(obj, "status", path, _LICENCE_STATUSES))
    source = r.opt_text(obj, "source", path)
    if status == "confirmed" and source is None:
        r.fail(_join(path, "source"), "is required when status is 'confirmed'")
    return Licence(status=status, text=r.text(obj, "text", path), source=source)
