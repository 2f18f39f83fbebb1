"""The invented statement sets: coverage floors, and session 3's rules with their near-misses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerhaven.safety.screening import RiskLevel, engine, learned, screen_text, train
from peerhaven.safety.screening.engine import screen_normalized, screen_rules
from peerhaven.safety.screening.evaluate import STATEMENTS, evaluate_statements
from peerhaven.safety.screening.normalize import normalize


def test_the_sets_are_balanced_and_apart() -> None:
    texts: dict[str, set[str]] = {}
    for name, path in STATEMENTS.items():
        with open(path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        counts = {
            e: sum(r["expected"] == e for r in rows) for e in ("imminent", "ideation", "below")
        }
        assert counts == {"imminent": 70, "ideation": 70, "below": 60}
        texts[name] = {r["text"] for r in rows}
    assert not texts["development"] & texts["check"]


def test_coverage_does_not_fall_below_what_was_measured() -> None:
    """Floors at session 3's figures (rules alone): a change that loses coverage fails here.
    The check set was never read while writing rules; its floor guards against regressions
    only and is not a target to tune against."""
    report = evaluate_statements()
    assert report["development"]["risk_at_ideation_or_above"] >= 0.75
    assert report["development"]["below_raised"] <= 3
    assert report["check"]["risk_at_ideation_or_above"] >= 0.35
    assert report["check"]["below_raised"] <= 2
    # With the optional statement stage (trained on the development set and, since session 8,
    # 1,670 more invented texts, never on the check set): more risk read, and more near-misses
    # raised (2 of 60 with session 3's model, 6 with session 8's; it stays off by default).
    stage = evaluate_statements(None, learned.load(str(learned.STATEMENTS_MODEL_PATH)))
    assert stage["check"]["risk_at_ideation_or_above"] >= 0.60
    assert stage["check"]["below_raised"] <= 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i'm suicidal again. third time this year", RiskLevel.IDEATION),
        ("my suicidal thoughts are louder this week", RiskLevel.IDEATION),
        ("my sh thoughts are back and they won't stop", RiskLevel.IDEATION),
        ("honestly if i died tomorrow i wouldn't care", RiskLevel.IDEATION),
        ("they'd all be happier if i was gone", RiskLevel.IDEATION),
        ("would anyone even notice if i wasnt here anymore", RiskLevel.IDEATION),
        ("my dog is the only reason i'm still here", RiskLevel.IDEATION),
        ("every morning i'm disappointed that i woke up", RiskLevel.IDEATION),
        ("i hope i don't make it through the operation", RiskLevel.IDEATION),
        ("the world would be a better place without me", RiskLevel.IDEATION),
        ("i don't see myself making it to 25", RiskLevel.IDEATION),
        ("why am i even still here", RiskLevel.IDEATION),
        ("wish id never been born", RiskLevel.IDEATION),
        ("i sat in the garage with the engine running last night", RiskLevel.IMMINENT),
        ("how high does a bridge need to be", RiskLevel.IMMINENT),
        ("swallowed everything in the medicine cabinet an hour ago", RiskLevel.IMMINENT),
        ("walked into traffic on purpose yesterday", RiskLevel.IMMINENT),
        ("my gun is loaded and next to me", RiskLevel.IMMINENT),
        ("i won't be here by the weekend", RiskLevel.IMMINENT),
        ("wrote a goodbye in my notes app", RiskLevel.IMMINENT),
        ("started writing down who gets my stuff", RiskLevel.IMMINENT),
        ("cut myself with a blade at school today", RiskLevel.IMMINENT),
        ("relapsed w self harm after 90 days", RiskLevel.IMMINENT),
        ("just back from hospital. 2nd attempt.", RiskLevel.IMMINENT),
    ],
)
def test_session_3_phrasings(text: str, expected: RiskLevel) -> None:
    assert screen_text(text).level == expected


@pytest.mark.parametrize(
    "text",
    [
        "how do i support my husband who just told me hes been having suicidal thoughts?",
        "psych class covered how clinicians ask about suicidal ideation",
        "writing a goodbye card for my coworker who is retiring",
        "my 2nd attempt at the driving test went better",
        "i'm saving my meds for the trip so i don't run out",
        "if i wasn't here to help, my mum would struggle with the shopping",
        "i sat in the car with the engine running to warm it up",
        "i stood at the edge of the cliff path and took photos of the sea",
        "my dog is the only reason i get up early on weekends",
        "they'd all be happier if i was gone for the weekend, they said, so they could clean",
    ],
)
def test_session_3_near_misses(text: str) -> None:
    assert screen_text(text).level < RiskLevel.IDEATION


# --- the statement stage (off by default, short texts only) ---------------------------------

RULES_MISS = "honestly i just don't want to be around anymore"


def test_the_shipped_statement_model_reads_short_texts_only() -> None:
    model = learned.load(str(learned.STATEMENTS_MODEL_PATH))
    assert model is not None
    assert model.min_tokens == train.STATEMENT_MIN_TOKENS == 5
    assert model.max_tokens == train.STATEMENT_MAX_TOKENS
    assert 0.5 <= model.threshold <= 1.0
    assert model.meta["min_users_per_term"] >= 5


def test_the_statement_stage_raises_a_short_statement_the_rules_miss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PEERHAVEN_SCREENING_STATEMENTS", "1")
    norm = normalize(RULES_MISS)
    assert screen_rules(norm).level == RiskLevel.NONE
    result = screen_text(RULES_MISS)
    assert result.level == RiskLevel.IDEATION
    hits = [e for e in result.evidence if e.rule == engine.STATEMENT_RULE]
    assert hits and all(RULES_MISS[e.start : e.end] == e.excerpt for e in hits)
    # Off by default (a review found it raised everyday short chat), or switched off.
    monkeypatch.delenv("PEERHAVEN_SCREENING_STATEMENTS")
    assert screen_text(RULES_MISS).level == RiskLevel.NONE
    monkeypatch.setenv("PEERHAVEN_SCREENING_STATEMENTS", "0")
    assert screen_text(RULES_MISS).level == RiskLevel.NONE


def test_the_statement_stage_never_raises_a_long_text() -> None:
    model = learned.load(str(learned.STATEMENTS_MODEL_PATH))
    assert model is not None
    padded = RULES_MISS + " " + " ".join(["today"] * train.STATEMENT_MAX_TOKENS)
    norm = normalize(padded)
    assert model.probability(learned.features(learned.tokens(norm.text)))[0] > 0
    assert not model.score(norm.text, 0).raise_to_ideation
    assert screen_normalized(norm, None, model).level < RiskLevel.IDEATION


def test_statement_threshold_bounds_what_the_model_adds(tmp_path: Path) -> None:
    path = tmp_path / "statements.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(30):
            handle.write(json.dumps({"text": f"lantern meadow {i}", "expected": "ideation"}) + "\n")
            handle.write(json.dumps({"text": f"pebble orchard {i}", "expected": "below"}) + "\n")
            # Near-misses that share the risk words: the threshold must spare them.
            handle.write(json.dumps({"text": f"lantern orchard {i}", "expected": "below"}) + "\n")
    users = train.load_statements([path])
    strict = train.statement_threshold(users, 0.0)
    data = train.train_statements([path], 0.0)
    assert data["threshold"] == strict and data["max_tokens"] == train.STATEMENT_MAX_TOKENS
    model = learned.LearnedModel(json.loads(json.dumps(data)))
    near = [f"lantern orchard {i}" for i in range(30)]
    assert not any(model.score(normalize(t).text, 0).raise_to_ideation for t in near)
    assert train.statement_threshold(users, 1.0) <= strict


EVERYDAY_CHAT = [
    "got it",
    "keep it up",
    "let's do it",
    "go for it!",
    "just do it",
    "I want to go home",
    "up all night again with the baby",
    "I don't want to go to work",
    "it hurts",
    "want to join?",
    "Want to vent",
    "Night owl. Tea addict. Be gentle.",
    "I'm safe, I just want it to stop hurting",
    "see you all next week",
    "same here, mornings are the worst",
    "thanks for listening tonight",
]


def test_everyday_short_chat_is_not_raised_by_what_runs_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by review: the statement stage raised such messages, so it is off by default."""
    monkeypatch.delenv("PEERHAVEN_SCREENING_STATEMENTS", raising=False)
    raised = [t for t in EVERYDAY_CHAT if screen_text(t).level >= RiskLevel.IDEATION]
    assert raised == []


# --- found by the final review of session 3: narrowing must not lose plain statements ---------


@pytest.mark.parametrize(
    "text",
    [
        "Feeling suicidal tonight.",
        "So suicidal right now.",
        "been suicidal all week",
        "Suicidal thoughts are back and they're loud tonight.",
        "Long time user here, suicidal thoughts keep coming back.",
        "The only reason I'm still here is my mum.",
        "The only thing I'm still here for is my kids.",
        "I feel like dying every day.",
        "I'm not going to be here much longer.",
        "I'm not going to be alive by Christmas.",
        "I don't think I'll be around much longer.",
        "I've had enough of life lately.",
        "I've given up on life at this point.",
        "I've given up on living with this pain.",
        "Would anyone care if I wasn't here tomorrow?",
        "I'm ending things tonight.",
        "How many pills to end it",
        "How many pills do I need to take to die",
        "I'm sitting on the edge of the roof.",
        "I hate being alive at this point.",
        "I'm too scared to die the way I want to.",
    ],
)
def test_plain_statements_the_narrowing_must_keep(text: str) -> None:
    assert screen_text(text).level >= RiskLevel.IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "Suicidal thoughts are listed as a possible side effect on the sertraline leaflet",
        "Not gonna be here by Christmas, we're flying to Spain",
        "The only reason I'm still here at work is the pension",
        "What's the point of living in a city if you can't afford it",
        "Would anyone notice if I wasn't at the meeting tomorrow?",
        "I've had enough of life admin",
        "I hate being alive at 6am on a Monday",
        "ending things tonight with him",
        "How many of these tablets do you take a day?",
    ],
)
def test_everyday_texts_the_narrowing_spares(text: str) -> None:
    assert screen_text(text).level < RiskLevel.IDEATION


@pytest.mark.parametrize(
    "text", ["it", "got it", "go for it!", "it hurts", "I don't know", "just do it"]
)
def test_the_statement_stage_leaves_chat_of_under_five_words_alone(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Session 3's model raised "it" and "got it" (function words); session 8's reads texts of
    # five words or more only.
    monkeypatch.setenv("PEERHAVEN_SCREENING_STATEMENTS", "1")
    assert screen_text(text).level < RiskLevel.IDEATION
