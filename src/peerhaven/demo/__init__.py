"""The demo community: invented people and content, deterministic, loaded by ``peerhaven demo``.

Each capability adds a step to ``STEPS``; steps must be idempotent (running the command twice
changes nothing the second time) and must never use real people's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peerhaven.demo import people


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[people.DemoContext], None]
    weight: int  # relative work, for the progress bar


STEPS: list[Step] = [
    Step("people", people.load_people, weight=len(people.PEOPLE_SPEC)),
]
