"""The demo community: invented people and content, deterministic, loaded by ``peerhaven demo``.

Each capability adds a step to ``STEPS``; steps must be idempotent (running the command twice
changes nothing the second time) and must never use real people's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peerhaven.demo import clinical, forums, groups, insights, mentoring, outcomes, people, safety


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[people.DemoContext], None]
    weight: int  # relative work, for the progress bar


STEPS: list[Step] = [
    Step("people", people.load_people, weight=len(people.PEOPLE_SPEC)),
    Step("safety", safety.load_safety, weight=5),
    Step("outcomes", outcomes.load_outcomes, weight=len(outcomes.TRAJECTORIES)),
    Step("forums", forums.load_forums, weight=len(forums.THREADS)),
    Step("mentoring", mentoring.load_mentoring, weight=mentoring.WEIGHT),
    Step("clinical", clinical.load_clinical, weight=2),
    Step("insights", insights.load_insights, weight=1),
    Step("groups", groups.load_groups, weight=len(groups.GROUPS)),
]
