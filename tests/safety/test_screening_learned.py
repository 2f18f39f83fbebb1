"""The learned stage: optional, only raises to ideation, same features in training and use.

All texts here are written for the tests; none come from the evaluation data.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from peerhaven.safety.screening import learned, screen_text, train
from peerhaven.safety.screening.engine import LEARNED_RULE, screen_rules
from peerhaven.safety.screening.normalize import normalize
from peerhaven.safety.screening.result import RiskLevel

FILLER = (
    "Today was another long grey stretch and I sat in my room with the curtains closed "
    "listening to the rain and thinking about everything that went wrong this year "
)
# Made-up marker words, so the rule stage says nothing and only the model can decide.
AT_RISK_WORDS = "lantern meadow copper violet harbour "
SUPPORT_WORDS = "pebble orchard saffron marble thistle "


def _user(uid: str, label: str, words: str, n_posts: int = 3) -> train.User:
    posts = [f"{FILLER} {words} {i}" for i in range(n_posts)]
    counts = [learned.features(learned.tokens(normalize(p).text)) for p in posts]
    return train.User(uid, label, counts, [0] * n_posts, [True] * n_posts)


@pytest.fixture
def corpus() -> list[train.User]:
    users = [_user(f"r{i}", "Ideation", AT_RISK_WORDS) for i in range(12)]
    users += [_user(f"s{i}", "Supportive", SUPPORT_WORDS) for i in range(12)]
    # A phrase only four people used must not enter the vocabulary.
    users += [_user(f"x{i}", "Indicator", "zebracorn") for i in range(4)]
    return users


@pytest.fixture
def model(corpus: list[train.User]) -> train.Model:
    return train.Model(corpus, list(range(len(corpus))))


def _shipped(model: train.Model, threshold: float = 0.5) -> learned.LearnedModel:
    data = model.export()
    data["threshold"] = threshold
    return learned.LearnedModel(json.loads(json.dumps(data)))


def test_pure_python_inference_matches_training(model: train.Model) -> None:
    shipped = _shipped(model)
    for text in (f"{FILLER} {AT_RISK_WORDS}", f"{FILLER} {SUPPORT_WORDS}", "one two", ""):
        counts = learned.features(learned.tokens(normalize(text).text))
        expected = float(model.predict([counts])[0])
        assert shipped.probability(counts)[0] == pytest.approx(expected, abs=1e-6)


def test_model_separates_the_synthetic_classes(model: train.Model) -> None:
    shipped = _shipped(model)
    risk = learned.features(learned.tokens(f"{FILLER} {AT_RISK_WORDS}"))
    support = learned.features(learned.tokens(f"{FILLER} {SUPPORT_WORDS}"))
    assert shipped.probability(risk)[0] > 0.5 > shipped.probability(support)[0]


def test_rare_terms_and_digits_stay_out_of_the_model(model: train.Model) -> None:
    terms = model.export()["features"]
    assert "zebracorn" not in terms
    assert not any(ch.isdigit() for term in terms for ch in term)


def test_raises_to_ideation_with_evidence_in_the_original_text(
    model: train.Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(learned, "current", lambda: _shipped(model))
    text = f"{FILLER} {AT_RISK_WORDS}".upper()
    assert screen_rules(normalize(text)).level == RiskLevel.NONE
    result = screen_text(text)
    assert result.level == RiskLevel.IDEATION
    hits = [e for e in result.evidence if e.rule == LEARNED_RULE]
    assert hits
    for e in hits:
        assert text[e.start : e.end] == e.excerpt
        assert e.excerpt.lower() in f"{FILLER} {AT_RISK_WORDS}".lower()


def test_never_raises_short_texts_supportive_ones_or_above_ideation(
    model: train.Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(learned, "current", lambda: _shipped(model))
    assert screen_text("lantern meadow copper violet").level == RiskLevel.NONE
    assert screen_text(f"{FILLER} {SUPPORT_WORDS}").level == RiskLevel.NONE
    imminent = f"{FILLER} {AT_RISK_WORDS} I am going to kill myself tonight"
    assert screen_text(imminent).level == RiskLevel.IMMINENT


def test_thresholds_decide(model: train.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learned, "current", lambda: _shipped(model, 1.01))
    assert screen_text(f"{FILLER} {AT_RISK_WORDS}").level == RiskLevel.NONE


def test_rules_alone_when_disabled_missing_or_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    learned.load.cache_clear()
    assert learned.load(str(tmp_path / "missing.json")) is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something else"}', encoding="utf-8")
    assert learned.load(str(broken)) is None
    monkeypatch.setenv("PEERHAVEN_SCREENING_LEARNED", "0")
    assert learned.current() is None
    assert screen_text("I want to kill myself").level == RiskLevel.IDEATION
    assert screen_text("this exam is killing me").level == RiskLevel.NONE
    learned.load.cache_clear()


def test_learned_stage_is_off_unless_the_operator_opts_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    learned.load.cache_clear()
    monkeypatch.delenv("PEERHAVEN_SCREENING_LEARNED", raising=False)
    assert learned.current() is None
    monkeypatch.setenv("PEERHAVEN_SCREENING_LEARNED", "1")
    assert isinstance(learned.current(), learned.LearnedModel)
    learned.load.cache_clear()


def test_rules_raise_no_everyday_community_post_to_ideation() -> None:
    posts = learned.community_posts()
    assert len(posts) >= 140
    levels = [screen_rules(normalize(p)).level for p in posts]
    assert max(levels) <= RiskLevel.CONCERN


def test_shipped_model_loads_and_keeps_its_privacy_floor() -> None:
    learned.load.cache_clear()
    shipped = learned.load()
    assert shipped is not None, "the model file ships with the package"
    assert shipped.meta["min_users_per_term"] >= 5
    assert not any(ch.isdigit() for term in shipped.idf for ch in term)
    assert 0.5 <= shipped.threshold < 1.0, "the shipped model raises some texts"


def test_huge_input_is_bounded() -> None:
    tokens = learned.tokens("word " * 100_000)
    assert len(tokens) == learned.MAX_TOKENS
    assert screen_text("word " * 20_000).level == RiskLevel.NONE


def test_cross_validation_scores_only_unseen_users(
    corpus: list[train.User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every prediction, inner or outer, must come from a model that never trained on that user.
    owner = {id(user.posts): i for i, user in enumerate(corpus)}
    trained_on: dict[int, set[int]] = {}
    scored: list[tuple[set[int], int]] = []
    init, predict = train.Model.__init__, train.Model.predict

    def spy_init(self: train.Model, users: list[train.User], idx: list[int]) -> None:
        trained_on[id(self)] = set(idx)
        init(self, users, idx)

    def spy_predict(self: train.Model, rows: list[Counter[str]]) -> Any:
        scored.append((trained_on[id(self)], owner[id(rows)]))
        return predict(self, rows)

    monkeypatch.setattr(train.Model, "__init__", spy_init)
    monkeypatch.setattr(train.Model, "predict", spy_predict)
    report = train.cross_validate(corpus, 0.2)
    assert report["users"] == len(corpus)
    assert report["at_risk_recall"] == 1.0
    assert report["supportive_false_alarm"] == 0.0
    assert {user for _, user in scored} == set(range(len(corpus)))
    assert all(user not in training for training, user in scored)


def test_folds_are_stratified_and_disjoint(corpus: list[train.User]) -> None:
    parts = train.folds(corpus, 4, "x")
    flat = [i for part in parts for i in part]
    assert sorted(flat) == list(range(len(corpus)))
    for part in parts:
        labels = Counter(corpus[i].label for i in part)
        assert labels["Ideation"] == 3 and labels["Supportive"] == 3


def test_evaluate_command_reports_rules_model_and_cross_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from peerhaven.safety.screening import evaluate

    path = tmp_path / "labelled.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(10):
            posts = [f"{FILLER} {AT_RISK_WORDS} {n}" for n in range(3)]
            handle.write(json.dumps({"user": f"r{i}", "label": "Ideation", "posts": posts}) + "\n")
            posts = [f"{FILLER} {SUPPORT_WORDS} {n}" for n in range(3)]
            handle.write(
                json.dumps({"user": f"s{i}", "label": "Supportive", "posts": posts}) + "\n"
            )
    assert evaluate.main([str(path), "--cross-validate", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    stages = [r["stage"] for r in out["reports"]]
    assert stages == ["rules", "rules+statements", "rules+statements+learned"]
    assert out["reports"][0]["at_risk_ideation_or_above"] == 0.0
    assert out["reports"][0]["community_at_ideation"] == 0
    assert out["reports"][0]["community_posts"] >= 140
    cv = out["cross_validation"]
    assert cv["users"] == 20
    assert cv["at_risk_recall"] == 1.0 and cv["supportive_false_alarm"] == 0.0
    assert evaluate.main([str(path), "--cross-validate"]) == 0
    text = capsys.readouterr().out
    assert "Cross-validated rules + learned stage" in text
