"""The scoring engine: one function for every instrument, driven only by its definition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral
from types import MappingProxyType
from typing import Any

from .loader import Band, InstrumentDefinition, ScoreRule, aggregate

__all__ = ["InvalidAnswer", "ScoreResult", "UnknownItem", "score", "validate_answers"]


class InvalidAnswer(ValueError):  # noqa: N818 - the name the outcomes API documents
    """An answer that the instrument's option set does not allow."""

    def __init__(
        self, instrument_id: str, item_id: str, value: object, allowed: tuple[int, ...] = ()
    ) -> None:
        self.instrument_id = instrument_id
        self.item_id = item_id
        self.value = value
        self.allowed = allowed
        super().__init__(self._message())

    def _message(self) -> str:
        allowed = ", ".join(str(v) for v in self.allowed)
        return (
            f"{self.instrument_id}: answer {self.value!r} for item '{self.item_id}' "
            f"is not one of {allowed}"
        )


class UnknownItem(InvalidAnswer):
    """An answer for an item the instrument does not have (a typo, or the wrong instrument)."""

    def _message(self) -> str:
        return f"{self.instrument_id}: unknown item '{self.item_id}'"


@dataclass(frozen=True)
class ScoreResult:
    instrument_id: str
    instrument_version: str
    total: float | None
    subscales: Mapping[str, float | None]
    band: Band | None
    flags: tuple[str, ...]
    missing_items: tuple[str, ...]
    answers: Mapping[str, int] = field(repr=False)
    keyed: Mapping[str, int] = field(repr=False)
    prorated: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing_items

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for storage, the API and exports."""
        return {
            "instrument": self.instrument_id,
            "version": self.instrument_version,
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": None
            if self.band is None
            else {"id": self.band.id, "label": self.band.label, "meaning": self.band.meaning},
            "flags": list(self.flags),
            "missing_items": list(self.missing_items),
            "prorated": list(self.prorated),
            "answers": dict(self.answers),
        }


def validate_answers(defn: InstrumentDefinition, answers: Mapping[str, Any]) -> dict[str, int]:
    """Check every answer against the definition; ``None`` means the item was skipped."""
    clean: dict[str, int] = {}
    for item_id, value in answers.items():
        if not defn.has_item(item_id):
            raise UnknownItem(defn.id, item_id, value)
        if value is None:
            continue
        item = defn.item(item_id)
        allowed = tuple(o.value for o in item.option_set.options)
        # bool is an int in Python, but True as an answer is always a bug upstream.
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise InvalidAnswer(defn.id, item_id, value, allowed)
        number = int(value)
        if number not in item.option_set.values:
            raise InvalidAnswer(defn.id, item_id, value, allowed)
        clean[item_id] = number
    return clean


def read_safety_answer(defn: InstrumentDefinition, item_id: str, raw: Any) -> int | None:
    """What a malformed answer to a safety item most plausibly means, or None.

    Used only to decide whether a refused answer still reaches the safety team: a positive
    PHQ-9 item 9 sent as ``"2"``, ``"2.0"``, ``2.0`` or ``true`` is still a person saying
    they think of being better off dead, and a missed one costs more than a false alarm. A
    number (or a string holding one) that is one of the item's values reads as that value;
    any other number above 0 (``2.5``, ``7``) and ``true`` read as the lowest value the
    safety flag holds for. Items without a safety flag, ``false``, zero, negative numbers,
    NaN and words read as None.
    """
    flag = next(
        (f for f in defn.flags if f.kind == "safety" and f.when.item == item_id),
        None,
    )
    if flag is None or not defn.has_item(item_id):
        return None
    values = sorted(defn.item(item_id).option_set.values)
    lowest_positive = next((v for v in values if flag.when.holds(v)), None)
    if raw is True:
        return lowest_positive
    number: float
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # "2,0": a decimal comma, as many spreadsheets write
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    if number != number:  # NaN says nothing
        return None
    if number in (float("inf"), float("-inf")):
        return lowest_positive if number > 0 else None
    if number.is_integer() and int(number) in values:
        return int(number)
    nearest = round(number)
    if abs(number - nearest) < 1e-9 and nearest in values:
        return int(nearest)
    return lowest_positive if number > 0 else None


def _rule_score(
    defn: InstrumentDefinition, rule: ScoreRule, keyed: Mapping[str, int]
) -> tuple[float | None, bool]:
    n_items = len(rule.item_ids)
    values = [keyed[item_id] for item_id in rule.item_ids if item_id in keyed]
    if len(values) == n_items:
        return aggregate(rule.rule, sum(values), n_items, n_items), False
    missing = [item_id for item_id in rule.item_ids if item_id not in keyed]
    if (
        not values
        or len(missing) > defn.missing.max_missing
        or any(item_id in defn.missing.never_impute for item_id in missing)
    ):
        return None, False
    return aggregate(rule.rule, sum(values), len(values), n_items), True


def score(defn: InstrumentDefinition, answers: Mapping[str, Any]) -> ScoreResult:
    """Score one response.

    ``answers`` maps item ids to the chosen option values; absent or ``None`` items are
    missing. Raises :class:`InvalidAnswer` (a ``ValueError``) for a value outside the item's
    option set and :class:`UnknownItem` for an item the instrument does not have. Missing
    items never raise: they are reported, and scores that need them are ``None``.
    """
    raw = validate_answers(defn, answers)
    keyed = {
        item.id: item.keyed_value(raw[item.id])
        for item in defn.items
        if item.scored and item.id in raw
    }
    total, total_prorated = _rule_score(defn, defn.total, keyed)
    subscales: dict[str, float | None] = {}
    prorated = ["total"] if total_prorated else []
    for rule in defn.subscales:
        value, was_prorated = _rule_score(defn, rule, keyed)
        subscales[rule.id] = value
        if was_prorated:
            prorated.append(rule.id)

    scores: dict[str, float | None] = {"total": total, **subscales}
    flags: list[str] = []
    for flag in defn.flags:
        condition = flag.when
        observed: float | None = None
        if condition.item is not None:
            observed = raw.get(condition.item)
        elif condition.score is not None:
            observed = scores[condition.score]
        if observed is not None and condition.holds(observed):
            flags.append(flag.id)

    return ScoreResult(
        instrument_id=defn.id,
        instrument_version=defn.version,
        total=total,
        subscales=MappingProxyType(subscales),
        band=defn.band_for(total),
        flags=tuple(flags),
        missing_items=tuple(i for i in defn.scored_item_ids if i not in raw),
        answers=MappingProxyType(raw),
        keyed=MappingProxyType(keyed),
        prorated=tuple(prorated),
    )
