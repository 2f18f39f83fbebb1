"""The optional learned stage of the screener: a linear model over word n-grams. Off by default.

Operators turn it on with ``PEERHAVEN_SCREENING_LEARNED=1`` (and point
``PEERHAVEN_SCREENING_MODEL`` at a model of their own). It is off by default because of
what it learned, not because of how it runs: trained on Reddit users of suicide-related forums,
it separates "writes about their own pain" from "writes to support others", so it also raises
a share of ordinary posts about depression (invented everyday posts in
``data/community_posts.txt``) to ``ideation``. In a depression community that would put crisis
panels and moderator alerts on everyday posts. ``docs/safety.md`` has the figures.

When on, it only ever *raises* a long text to ``ideation`` (never to ``imminent``, never
lowers): a statistical score is a reason for a person to look, not a finding. The rule stage
decides alone when the model file is missing or unreadable.

Inference is pure Python (no NumPy): tokens of the normalised text, unigrams and bigrams,
sublinear term frequency times inverse document frequency, L2-normalised, dotted with the
weights. ``train.py`` builds the file with exactly the same ``features`` function.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).with_name("model") / "learned.json"
# The statement stage: the same kind of model, trained on invented short statements (written
# blind, ``data/statements_*``), scoring short texts only. Off by default: a review found it
# raised 14 of 123 everyday short chat messages ("go for it!", "it hurts") to ideation, because
# its heaviest terms are function words (``docs/safety.md``).
STATEMENTS_MODEL_PATH = Path(__file__).with_name("model") / "statements.json"
COMMUNITY_POSTS = Path(__file__).with_name("data") / "community_posts.txt"
FORMAT = "peerhaven.screening.tfidf-logistic/2"

_TOKEN = re.compile(r"[^\W\d_][^\W\d_']*(?:'[^\W\d_]+)?")
# Longer texts are scored on their first this-many tokens; rules still read the whole text.
MAX_TOKENS = 5000
# Shorter texts are left to the rules: a few words give a linear model too little to go on
# ("I hate myself so much" is distress, not ideation).
MIN_TOKENS = 25


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Word tokens of already-normalised text with their spans (letters only, 2+ chars)."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text):
        word = m.group().replace("'", "")
        if len(word) >= 2:
            out.append((word, m.start(), m.end()))
            if len(out) >= MAX_TOKENS:
                break
    return out


def features(toks: list[tuple[str, int, int]]) -> Counter[str]:
    """Counts of unigrams and bigrams (joined by one space)."""
    words = [t[0] for t in toks]
    counts: Counter[str] = Counter(words)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return counts


@dataclass(frozen=True, slots=True)
class Contribution:
    term: str
    weight: float
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LearnedScore:
    probability: float
    raise_to_ideation: bool
    contributions: tuple[Contribution, ...]


class LearnedModel:
    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown model format {data.get('format')!r}")
        self.idf: dict[str, float] = {}
        self.weight: dict[str, float] = {}
        for term, (idf, weight) in data["features"].items():
            self.idf[term] = float(idf)
            self.weight[term] = float(weight)
        self.intercept = float(data["intercept"])
        self.threshold = float(data["threshold"])
        self.meta: dict[str, Any] = dict(data.get("meta", {}))
        # The lengths (in word tokens) of text the model may raise: the Reddit model reads long
        # posts only, the statement model short texts only.
        self.min_tokens = int(data.get("min_tokens", MIN_TOKENS))
        self.max_tokens = int(data["max_tokens"]) if data.get("max_tokens") else None

    def probability(self, counts: Counter[str]) -> tuple[float, dict[str, float]]:
        """Return the model's probability and each present term's contribution to the logit."""
        values: dict[str, float] = {}
        for term, n in counts.items():
            idf = self.idf.get(term)
            if idf is not None:
                values[term] = (1.0 + math.log(n)) * idf
        norm = math.sqrt(sum(v * v for v in values.values()))
        contributions: dict[str, float] = {}
        logit = self.intercept
        if norm > 0:
            for term, v in values.items():
                c = self.weight[term] * v / norm
                contributions[term] = c
                logit += c
        logit = max(-50.0, min(50.0, logit))
        return 1.0 / (1.0 + math.exp(-logit)), contributions

    def score(self, text: str, rule_level: int) -> LearnedScore:
        """Score normalised ``text``; ``rule_level`` is what the rules said (0-3)."""
        toks = tokens(text)
        p, contributions = self.probability(features(toks))
        raise_it = (
            rule_level < 2
            and len(toks) >= self.min_tokens
            and (self.max_tokens is None or len(toks) <= self.max_tokens)
            and p >= self.threshold
        )
        top: list[Contribution] = []
        if raise_it:
            best = sorted(
                (item for item in contributions.items() if item[1] > 0),
                key=lambda item: -item[1],
            )[:3]
            for term, weight in best:
                span = _first_span(toks, term)
                if span is not None:
                    top.append(Contribution(term, weight, span[0], span[1]))
        return LearnedScore(probability=p, raise_to_ideation=raise_it, contributions=tuple(top))


def _first_span(toks: list[tuple[str, int, int]], term: str) -> tuple[int, int] | None:
    parts = term.split(" ")
    for i, tok in enumerate(toks):
        if tok[0] != parts[0]:
            continue
        if len(parts) == 1:
            return tok[1], tok[2]
        if i + 1 < len(toks) and toks[i + 1][0] == parts[1]:
            return tok[1], toks[i + 1][2]
    return None


def enabled() -> bool:
    """True only when the operator opted in with ``PEERHAVEN_SCREENING_LEARNED=1``."""
    return os.environ.get("PEERHAVEN_SCREENING_LEARNED", "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def model_path() -> Path:
    """The model the learned stage loads: the operator's own when ``PEERHAVEN_SCREENING_MODEL``
    names one (trained with their community's moderator judgements, ``train.py --labels``,
    kept outside the installed package so an upgrade does not replace it), else the shipped
    one."""
    custom = os.environ.get("PEERHAVEN_SCREENING_MODEL", "").strip()
    return Path(custom) if custom else MODEL_PATH


@lru_cache(maxsize=4)
def load(path: str | None = None) -> LearnedModel | None:
    """The model at ``path`` (the shipped one by default), or None (rules alone) when it is
    absent or unreadable. A missing file the operator named is logged as an error: they
    meant the stage to run."""
    target = Path(path) if path else MODEL_PATH
    try:
        with open(target, encoding="utf-8") as handle:
            return LearnedModel(json.load(handle))
    except FileNotFoundError:
        if target not in (MODEL_PATH, STATEMENTS_MODEL_PATH):
            logger.error("Learned screening model %s does not exist; using rules alone", target)
        return None
    except (OSError, ValueError, KeyError, TypeError):
        logger.exception("Learned screening model %s is unreadable; using rules alone", target)
        return None


def status() -> str:
    """What the learned stage is doing, for ``/healthz``: "off", "on" or "model unreadable"."""
    if not enabled():
        return "off"
    return "on" if load(str(model_path())) is not None else "model unreadable"


def community_posts() -> list[str]:
    """Invented everyday depression-community posts (none suicidal), for the false-alarm check."""
    with open(COMMUNITY_POSTS, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def current() -> LearnedModel | None:
    return load(str(model_path())) if enabled() else None


def statements_enabled() -> bool:
    """True only when the operator opted in with ``PEERHAVEN_SCREENING_STATEMENTS=1``."""
    return os.environ.get("PEERHAVEN_SCREENING_STATEMENTS", "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def current_statements() -> LearnedModel | None:
    return load(str(STATEMENTS_MODEL_PATH)) if statements_enabled() else None
