"""Demo check-ins: a few members with 3-6 scores over months, each on a different path.

Idempotent: every response carries an idempotency key, so a second run stores nothing new.
All answers are invented numbers; nothing here comes from real people.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from peerhaven.demo.people import DemoContext
from peerhaven.outcomes import services
from peerhaven.outcomes.instruments import InstrumentDefinition
from peerhaven.outcomes.models import InstrumentSetting, Response

# (person, instrument, totals from the first check-in to the latest, days between them)
TRAJECTORIES: list[tuple[str, str, list[int], int]] = [
    ("member", "phq9", [18, 15, 12, 9, 7, 6], 28),  # steady, reliable improvement
    ("member", "ucla3", [8, 8, 7, 6, 5], 28),  # feeling less alone
    ("member2", "phq9", [11, 12, 10, 11], 28),  # ups and downs, no reliable change
    ("member3", "phq9", [8, 13, 16, 12, 9], 21),  # a hard patch, then better
    ("member3", "gad7", [12, 10, 9, 7], 28),
    ("member4", "gad7", [6, 5, 7], 14),
    ("member5", "ucla3", [9, 7, 6], 30),
]


def _answers(defn: InstrumentDefinition, total: int, rng: random.Random) -> dict[str, int]:
    """Answers adding up to ``total``, spread at random; safety items stay at their minimum."""
    safety_items = {f.when.item for f in defn.flags if f.kind == "safety" and f.when.item}
    items = [defn.item(i) for i in defn.total.item_ids]
    answers = {item.id: item.option_set.min_value for item in items}
    remaining = total - sum(answers.values())
    open_items = [item for item in items if item.id not in safety_items and not item.reverse_keyed]
    while remaining > 0:
        item = rng.choice([i for i in open_items if answers[i.id] < i.option_set.max_value])
        answers[item.id] += 1
        remaining -= 1
    for item in defn.items:
        if item.id not in answers:
            answers[item.id] = item.option_set.min_value + 1  # e.g. PHQ-9 difficulty
    return answers


def load_outcomes(ctx: DemoContext) -> None:
    for instrument_id in ("ucla3",):
        InstrumentSetting.objects.get_or_create(
            instrument_id=instrument_id, defaults={"enabled": True}
        )
    now = timezone.now()
    for key, instrument_id, totals, gap in TRAJECTORIES:
        user = ctx.users.get(key)
        if user is None:
            continue
        defn = services.definition(instrument_id)
        for n, total in enumerate(totals):
            when = now - dt.timedelta(days=gap * (len(totals) - 1 - n) + 2)
            key = f"demo-{instrument_id}-{n}"
            answers = _answers(defn, total, ctx.rng)
            # Loaded again: the random answers differ, and a key is for one submission only.
            if Response.objects.filter(member=user, idempotency_key=key).exists():
                continue
            response, created = services.submit_response(
                user=user,
                instrument_id=instrument_id,
                answers=answers,
                idempotency_key=key,
                context="baseline" if n == 0 else "scheduled",
            )
            if created:
                Response.objects.filter(pk=response.pk).update(started_at=when, completed_at=when)
        services.schedule_checkins(
            user=user, instrument_ids=[instrument_id], cadence_days=gap, source="group"
        )
        ctx.tick(1)
