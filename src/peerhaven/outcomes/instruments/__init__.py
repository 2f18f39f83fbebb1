"""Questionnaires as data: definition files, one scoring engine, reliable change, bulk scoring.

Pure Python (numpy only for :mod:`.bulk`); nothing here imports Django, so the engine can be
used by the web app, background jobs, the insights app and command-line tools alike.
"""

from .change import ChangeResult, ReliableChangeIndex, describe_change, jacobson_truax
from .loader import (
    DEFINITIONS_DIR,
    DefinitionError,
    InstrumentDefinition,
    get_definition,
    load_all,
    load_definition,
    shipped_definitions,
)
from .scoring import InvalidAnswer, ScoreResult, UnknownItem, score

__all__ = [
    "DEFINITIONS_DIR",
    "ChangeResult",
    "DefinitionError",
    "InstrumentDefinition",
    "InvalidAnswer",
    "ReliableChangeIndex",
    "ScoreResult",
    "UnknownItem",
    "describe_change",
    "get_definition",
    "jacobson_truax",
    "load_all",
    "load_definition",
    "score",
    "shipped_definitions",
]
