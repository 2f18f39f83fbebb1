"""Demo safety data: crisis lines, two safety plans, a few resolved alerts and one open one.

All text is invented for the demo.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from peerhaven.demo.people import DemoContext
from peerhaven.safety import services
from peerhaven.safety.gate import screen_user_text
from peerhaven.safety.models import AlertOutcome, AlertSource, AlertStatus, RiskAlert
from peerhaven.safety.resources import load_resources

DEMO_KIND = "demo.post"

PLANS = {
    "member": {
        "warning_signs": (
            "Staying in bed past noon. Not answering messages. Thinking nothing will change."
        ),
        "coping_strategies": "A slow walk round the block. The rain playlist. A hot shower.",
        "distractions": "The library café. Calling Jun about football.",
        "people_to_ask": "My sister Marisol. My flatmate Teo.",
        "professionals": "My GP surgery. The crisis line on the Get help now page.",
        "safe_environment": "Ask Teo to keep my spare medication in his room.",
    },
    "member2": {
        "warning_signs": "Skipping meals, scrolling all night.",
        "coping_strategies": "Drawing, cold water on my face, the breathing exercise.",
        "people_to_ask": "Aunt Lorna.",
    },
}

# (author key, invented text, minutes ago, outcome or None for the one open alert)
ALERTS = [
    (
        "member3",
        "Some nights I wish I was dead and could just not wake up.",
        60 * 24 * 6,
        AlertOutcome.REACHED_OUT,
    ),
    (
        "member4",
        "I have been thinking about killing myself a lot this week.",
        60 * 24 * 3,
        AlertOutcome.REFERRED,
    ),
    (
        "member5",
        "I would never kill myself but I feel so hopeless lately.",
        60 * 30,
        AlertOutcome.NO_RISK,
    ),
    (
        "member6",
        "I don't want to be here anymore, everyone would be better off without me.",
        7,
        None,
    ),
]


def load_safety(ctx: DemoContext) -> None:
    load_resources()
    for key, steps in PLANS.items():
        user = ctx.users.get(key)
        if user is not None:
            services.save_safety_plan(user=user, steps=steps)
    ctx.tick(1)
    if RiskAlert.objects.filter(kind=DEMO_KIND).exists():
        ctx.tick(len(ALERTS))
        return
    moderator = ctx.users.get("moderator")
    now = timezone.now()
    for key, text, minutes_ago, outcome in ALERTS:
        author = ctx.users.get(key)
        if author is None:
            continue
        result = screen_user_text(text=text, kind=DEMO_KIND, author=author)
        level = result.level if result.level in ("ideation", "imminent") else "ideation"
        created = now - datetime.timedelta(minutes=minutes_ago)
        alert = RiskAlert.objects.create(
            author=author,
            source=AlertSource.SCREENING,
            kind=DEMO_KIND,
            level=level,
            evidence=result.evidence,
            created_at=created,
            sla_due_at=created + datetime.timedelta(minutes=services.sla_minutes(level)),
        )
        if outcome is not None:
            acknowledged = created + datetime.timedelta(minutes=ctx.rng.randint(3, 25))
            alert.status = AlertStatus.RESOLVED
            alert.assigned_to = moderator
            alert.acknowledged_at = acknowledged
            alert.outreach_at = acknowledged + datetime.timedelta(minutes=5)
            alert.resolved_at = acknowledged + datetime.timedelta(minutes=40)
            alert.outcome = outcome
            alert.save()
        ctx.tick(1)
