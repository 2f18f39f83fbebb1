"""How the evaluation report prints its numbers and names.

Reports are stored as JSON and drawn when read, so these filters also apply to reports prepared
before a wording change. ``{% load insights_tags %}``, then:

- ``{{ v|num }}`` (``num:3`` for three places): a dash for a hidden or missing value;
- ``{{ v|count }}``: a head-count, never with decimals;
- ``{{ v|pvalue }}``: "< 0.001" below 0.001, otherwise three places;
- ``{{ id|instrument_title }}``, ``{{ column|measure_label }}``, ``{{ name|term_label }}``,
  ``{{ code|standardiser_label }}``: what readers need in place of internal ids;
- ``{% figure_table figures.retention "retention" %}``: the numbers behind a figure, with a
  header per column, the group or site as the row's header and each column in its own format.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

DASH = "—"


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@register.filter
def num(value: Any, places: int = 2) -> str:
    number = _number(value)
    if number is None:
        return DASH
    text = f"{number:.{int(places)}f}"
    # "-0.00" reads as a negative effect that is not there.
    return text[1:] if text.startswith("-") and float(text) == 0 else text


@register.filter
def count(value: Any) -> str:
    number = _number(value)
    return DASH if number is None else str(round(number))


@register.filter
def percent(value: Any) -> str:
    """A share (0 to 1) as a whole percentage."""
    number = _number(value)
    return DASH if number is None else f"{100 * number:.0f}%"


@register.filter
def pvalue(value: Any) -> str:
    number = _number(value)
    if number is None:
        return DASH
    return "< 0.001" if number < 0.001 else f"{number:.3f}"


@register.filter
def instrument_title(instrument_id: Any, full: bool = False) -> str:
    """The questionnaire's short title ("PHQ-9"), or its full title with ``:1``."""
    from peerhaven.outcomes.instruments import shipped_definitions

    defn = shipped_definitions().get(str(instrument_id))
    if defn is None:
        return str(instrument_id)
    return defn.title if full else defn.short_title


@register.filter
def instrument_titles(instrument_ids: Any) -> str:
    """A list of instrument ids as their full titles, separated by semicolons."""
    return "; ".join(instrument_title(i, True) for i in instrument_ids or [])


MEASURES: dict[str, Promise] = {
    "meetings_attended": gettext_lazy("Group meetings attended"),
    "forum_posts": gettext_lazy("Forum posts"),
    "mentoring_sessions": gettext_lazy("Mentoring sessions"),
    "dose": gettext_lazy("Engagement dose (all of the above)"),
}


@register.filter
def measure_label(column: Any) -> str:
    column = str(column)
    return str(MEASURES[column]) if column in MEASURES else column.replace("_", " ").capitalize()


STANDARDISERS: dict[str, Promise] = {
    "baseline_sd": gettext_lazy("SD of the baseline scores"),
    "g_av": gettext_lazy("average of the baseline and follow-up SDs"),
    "change_sd": gettext_lazy("SD of the change scores"),
}


@register.filter
def standardiser_label(code: Any) -> str:
    return str(STANDARDISERS[str(code)]) if str(code) in STANDARDISERS else str(code)


_TREATMENT = re.compile(r"(\w+)\[T\.([^\]]+)\]")


@register.filter
def term_label(name: Any) -> str:
    """A growth-model term as readers say it: ``arm[T.programme]`` is "programme arm"."""
    text = _TREATMENT.sub(lambda m: f"{m.group(2)} {m.group(1)}", str(name))
    text = re.sub(r"\bdose\b", _("engagement dose"), text)
    return text.replace(":", " × ")


@register.filter
def formula_label(formula: Any) -> str:
    """``phq9 ~ wave + arm`` with the outcome's short title: ``PHQ-9 ~ wave + arm``."""
    outcome, sep, rest = str(formula).partition(" ~ ")
    return f"{instrument_title(outcome)}{sep}{rest}" if sep else str(formula)


# --- The numbers behind the figures ---------------------------------------------------------

Format = Callable[[Any], str]


def _group(value: Any) -> str:
    return _("All members") if value in (None, "") else str(value)


def _text(value: Any) -> str:
    return DASH if value in (None, "") else str(value)


def _interval(row: dict[str, Any], places: int) -> str:
    low, high = row.get("ci_low"), row.get("ci_high")
    if _number(low) is None or _number(high) is None:
        return DASH
    return _("%(low)s to %(high)s") % {"low": num(low, places), "high": num(high, places)}


#: Per figure: (key in the stored row, column header, format); the first column is the row's
#: header. "ci" joins ci_low and ci_high into one "a to b" cell.
COLUMNS: dict[str, list[tuple[str, Promise | str, Format | None]]] = {
    "retention": [
        ("group", gettext_lazy("Arm"), _group),
        ("wave", gettext_lazy("Wave"), count),
        ("n_enrolled", gettext_lazy("Members enrolled"), count),
        ("n_observed", gettext_lazy("Answered at this wave"), count),
        ("share_observed", gettext_lazy("Share answering at this wave"), percent),
        ("n_retained", gettext_lazy("Still taking part"), count),
        ("share_retained", gettext_lazy("Share still taking part"), percent),
    ],
    "trajectories": [
        ("group", gettext_lazy("Arm"), _group),
        ("wave", gettext_lazy("Wave"), count),
        ("n", gettext_lazy("Members"), count),
        ("mean", gettext_lazy("Mean score"), num),
        ("ci", gettext_lazy("95% CI"), None),
    ],
    "forest": [
        ("label", gettext_lazy("Site"), _text),
        ("n", gettext_lazy("Members"), count),
        ("effect", gettext_lazy("Hedges’ g"), num),
        ("ci", gettext_lazy("95% CI"), None),
        ("weight_random", gettext_lazy("Weight (random effects)"), percent),
    ],
}


@register.inclusion_tag("insights/_figure_table.html")
def figure_table(figure: dict[str, Any] | None, kind: str, caption: str = "") -> dict[str, Any]:
    rows: list[dict[str, Any]] = list((figure or {}).get("table") or [])
    columns = list(COLUMNS.get(kind, []))
    if not columns and rows:  # a figure this tag does not know: its own keys, as numbers
        columns = [(key, key.replace("_", " ").capitalize(), num) for key in rows[0]]
    # A table without groups has no arm to tell its rows apart: no empty "Arm" column.
    if columns and columns[0][0] == "group" and all(r.get("group") is None for r in rows):
        columns = columns[1:]
    body = []
    for row in rows:
        cells = []
        for key, _header, fmt in columns:
            if key == "ci":
                cells.append(_interval(row, 2))
            else:
                assert fmt is not None
                cells.append(fmt(row.get(key)))
        body.append({"header": cells[0], "cells": cells[1:]})
    return {
        "caption": caption,
        "headers": [str(header) for _key, header, _fmt in columns],
        "rows": body,
    }
