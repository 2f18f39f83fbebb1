"""An operator's own learned model (trained with their community's moderator judgements) is
loaded from ``PEERHAVEN_SCREENING_MODEL``, outside the installed package; a missing one leaves
the rules alone and says so, on /healthz and in the log.

All texts are written for the tests; none come from the evaluation data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from peerhaven.safety.screening import learned, screen_text, train
from peerhaven.safety.screening.engine import LEARNED_RULE
from peerhaven.safety.screening.normalize import normalize
from peerhaven.safety.screening.result import RiskLevel

FILLER = (
    "This week I kept the curtains closed and sat with a cup of tea going cold while the "
    "radio talked about the weather and nothing in particular happened at all "
)
MARKER = "juniper quartz lagoon falcon "  # made-up words only the operator's model knows
OTHER = "walnut cobalt prairie heron "


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    learned.load.cache_clear()
    yield
    learned.load.cache_clear()


@pytest.fixture
def operator_model(tmp_path: Path) -> Path:
    def user(uid: str, label: str, words: str) -> train.User:
        posts = [f"{FILLER} {words} {j}" for j in range(3)]
        counts = [learned.features(learned.tokens(normalize(p).text)) for p in posts]
        return train.User(uid, label, counts, [0] * 3, [True] * 3)

    users = [user(f"r{i}", "Ideation", MARKER) for i in range(12)]
    users += [user(f"s{i}", "Supportive", OTHER) for i in range(12)]
    data = train.Model(users, list(range(len(users)))).export()
    data["threshold"] = 0.5
    path = tmp_path / "our-community.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_operators_model_is_used_when_named(
    operator_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERHAVEN_SCREENING_LEARNED", "1")
    monkeypatch.setenv("PEERHAVEN_SCREENING_MODEL", str(operator_model))

    assert learned.model_path() == operator_model
    result = screen_text(f"{FILLER} {MARKER}")

    assert result.level == RiskLevel.IDEATION
    assert any(e.rule == LEARNED_RULE and e.excerpt in MARKER for e in result.evidence)
    assert screen_text(f"{FILLER} {OTHER}").level == RiskLevel.NONE


def test_without_the_setting_the_shipped_model_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEERHAVEN_SCREENING_MODEL", raising=False)
    monkeypatch.setenv("PEERHAVEN_SCREENING_LEARNED", "1")
    assert learned.model_path() == learned.MODEL_PATH
    assert learned.status() == "on"


def test_a_missing_operator_model_leaves_the_rules_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PEERHAVEN_SCREENING_LEARNED", "1")
    monkeypatch.setenv("PEERHAVEN_SCREENING_MODEL", str(tmp_path / "gone.json"))

    with caplog.at_level(logging.ERROR, logger=learned.__name__):
        assert learned.current() is None
    assert "does not exist" in caplog.text
    assert screen_text("I want to kill myself").level == RiskLevel.IDEATION
    assert learned.status() == "model unreadable"


@pytest.mark.django_db
def test_healthz_says_what_the_screener_runs(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PEERHAVEN_SCREENING_LEARNED", raising=False)
    assert client.get("/healthz").json()["screening"] == {"rules": "on", "learned": "off"}

    monkeypatch.setenv("PEERHAVEN_SCREENING_LEARNED", "1")
    monkeypatch.setenv("PEERHAVEN_SCREENING_MODEL", str(tmp_path / "gone.json"))
    page = client.get("/healthz")
    assert page.status_code == 200  # information, not a failed check: the rules still run
    assert page.json()["screening"]["learned"] == "model unreadable"
