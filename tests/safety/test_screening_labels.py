"""An organisation's moderator-labelled posts in the learned stage's training and evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerhaven.safety.screening import evaluate, train

FILLER = (
    "Today was another long grey stretch and I sat in my room with the curtains closed "
    "listening to the rain and thinking about everything that went wrong this year "
)
# Made-up marker words, so the rule stage says nothing and only the model can decide.
AT_RISK_WORDS = "lantern meadow copper violet harbour"
SUPPORT_WORDS = "pebble orchard saffron marble thistle"
EVERYDAY_WORDS = "kettle bicycle garden biscuit"


def _write_users(path: Path, n: int = 10) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            for uid, label, words in (
                (f"r{i}", "Ideation", AT_RISK_WORDS),
                (f"s{i}", "Supportive", SUPPORT_WORDS),
            ):
                posts = [f"{FILLER} {words} {k}" for k in range(3)]
                handle.write(json.dumps({"user": uid, "label": label, "posts": posts}) + "\n")


def _write_labels(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for author, label, text in rows:
            handle.write(json.dumps({"author": author, "label": label, "text": text}) + "\n")


def test_labels_become_pseudo_users_per_author_and_label(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    _write_labels(
        path,
        [
            ("a", "no_risk", "first everyday post"),
            ("a", "no_risk", "second everyday post"),
            ("a", "at_risk", "a post judged at risk"),
            ("b", "no_risk", "someone else's post"),
        ],
    )
    users = {u.id: u for u in train.load_labels(path)}
    assert set(users) == {"a:Community", "a:CommunityAtRisk", "b:Community"}
    assert len(users["a:Community"].posts) == 2
    assert users["a:CommunityAtRisk"].label in train.POSITIVE
    assert users["b:Community"].label in train.NEGATIVE


def test_an_unknown_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    _write_labels(path, [("a", "maybe", "text")])
    with pytest.raises(ValueError, match="unknown label"):
        train.load_labels(path)


def test_community_false_alarms_bound_the_threshold(tmp_path: Path) -> None:
    """Everyday posts that look like the at-risk users' posts stop the model raising them."""
    users_path, labels_path = tmp_path / "users.jsonl", tmp_path / "labels.jsonl"
    _write_users(users_path)
    users = train.load_users(users_path)
    everyone = list(range(len(users)))
    assert train.choose_threshold(users, everyone, 0.2, "t") < 1.0

    # Community members who write like the at-risk users but were judged not at risk.
    _write_labels(
        labels_path,
        [(f"c{i}", "no_risk", f"{FILLER} {AT_RISK_WORDS} {i}") for i in range(10)],
    )
    community = train.load_labels(labels_path)
    both = users + community
    everyone = list(range(len(both)))
    model = train.Model(both, everyone)
    probs = {i: model.predict(both[i].posts) for i in everyone}
    own = range(len(users), len(both))

    loose = train.choose_threshold(both, everyone, 0.2, "t", 1.0)
    assert train._post_hits(both, own, probs, loose, train.COMMUNITY)[0] > 0
    strict = train.choose_threshold(both, everyone, 0.2, "t", 0.0)
    assert train._post_hits(both, own, probs, strict, train.COMMUNITY) == (0, 10)


def test_cross_validation_and_evaluation_report_the_community_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users_path, labels_path = tmp_path / "users.jsonl", tmp_path / "labels.jsonl"
    _write_users(users_path)
    rows = [(f"c{i}", "no_risk", f"{FILLER} {EVERYDAY_WORDS} {i}") for i in range(10)]
    rows += [(f"d{i}", "at_risk", f"{FILLER} {AT_RISK_WORDS} {i}") for i in range(10)]
    rows += [("e", "at_risk", "I want to die")]
    _write_labels(labels_path, rows)

    assert (
        evaluate.main([str(users_path), "--labels", str(labels_path), "--cross-validate", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    rules = out["labels"][0]
    assert rules["stage"] == "rules"
    assert rules["labels"]["at_risk"]["posts"] == 11
    # Only the explicit post is caught by the rules; the marker words need the model.
    assert rules["labels"]["at_risk"]["ideation_or_above"] == pytest.approx(1 / 11)
    assert rules["labels"]["no_risk"]["ideation_or_above"] == 0.0
    community = out["cross_validation"]["community_posts"]
    assert community["no_risk"] == 10 and community["at_risk"] == 11
    assert community["no_risk_raised"] == 0
    assert community["at_risk_raised"] == 11

    assert evaluate.main([str(users_path), "--labels", str(labels_path), "--cross-validate"]) == 0
    text = capsys.readouterr().out
    assert "Moderator-labelled community posts (rules), per post:" in text
    assert "judged at risk: 11 of 11" in text


def test_one_persons_posts_of_both_labels_share_a_fold_and_count_once(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    rows = []
    for i in range(8):
        rows.append((f"p{i}", "no_risk", f"{FILLER} {EVERYDAY_WORDS} {i}"))
        rows.append((f"p{i}", "at_risk", f"{FILLER} {AT_RISK_WORDS} {i}"))
    # One person uses a word nobody else uses, under both labels: still one person, so the
    # word stays out of the model (the floor is five different people).
    rows.append(("solo", "no_risk", f"{FILLER} quokka"))
    rows.append(("solo", "at_risk", f"{FILLER} quokka"))
    for n in range(3):
        rows.append((f"q{n}", "no_risk", f"{FILLER} quokka"))
    _write_labels(path, rows)
    users = train.load_labels(path)
    parts = [{users[i].who for i in fold} for fold in train.folds(users, 4, "x")]
    for a, people in enumerate(parts):
        for b, others in enumerate(parts):
            if a != b:
                assert people.isdisjoint(others)
    model = train.Model(users, list(range(len(users))))
    assert "quokka" not in model.index
    # Five different people would have let it in.
    rows.append(("q3", "no_risk", f"{FILLER} quokka"))
    _write_labels(path, rows)
    users = train.load_labels(path)
    assert "quokka" in train.Model(users, list(range(len(users)))).index
