"""Demo programme: "Postpartum peer mentoring, spring cohort" with two follow-up waves.

Invented scores, simulated so the report has something to show: a programme arm that improves
more than a waitlist arm, partly through more perceived support (MSPSS), at two sites.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from peerhaven.accounts.models import Consent, ConsentPurpose, User
from peerhaven.demo.people import DemoContext
from peerhaven.insights.models import Arm, Enrolment, Programme

NAME = "Postpartum peer mentoring, spring cohort"
WAVES = [0, 28, 56]
INSTRUMENTS = ["phq9", "ucla3", "mspss"]


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _spread(total: int, items: list[str], low: int, high: int) -> dict[str, int]:
    """Item answers in [low, high] that add up to ``total`` (as evenly as possible)."""
    n = len(items)
    total = _clip(total, low * n, high * n)
    base, extra = divmod(total - low * n, n)
    return {item: low + base + (1 if i < extra else 0) for i, item in enumerate(items)}


def _answers(instrument: str, score: float) -> dict[str, int]:
    if instrument == "phq9":
        # Item 9 stays 0 in the demo so it does not open safety alerts for invented people.
        answers = _spread(_clip(score, 0, 24), [f"phq9_{i}" for i in range(1, 9)], 0, 3)
        return {**answers, "phq9_9": 0, "phq9_10": 1}
    if instrument == "ucla3":
        return _spread(
            _clip(score, 3, 9), ["ucla3_companionship", "ucla3_left_out", "ucla3_isolated"], 1, 3
        )
    return _spread(_clip(score * 12, 12, 84), [f"mspss_{i}" for i in range(1, 13)], 1, 7)


def _store(member: User, instrument: str, score: float, when: datetime) -> None:
    from peerhaven.outcomes.instruments import get_definition
    from peerhaven.outcomes.instruments import score as score_answers
    from peerhaven.outcomes.models import Response

    defn = get_definition(instrument)
    answers = _answers(instrument, score)
    # Keep only ids the definition knows (guards against renamed items).
    answers = {k: v for k, v in answers.items() if defn.has_item(k)}
    result = score_answers(defn, answers)
    Response.objects.create(
        member=member,
        instrument_id=instrument,
        instrument_version=defn.version,
        context="scheduled",
        status="complete",
        answers=answers,
        started_at=when,
        updated_at=when,
        completed_at=when,
        total=result.total,
        subscales=dict(result.subscales),
        band=result.band.id if result.band else "",
        flags=list(result.flags),
    )


def load_insights(ctx: DemoContext) -> None:
    if Programme.objects.filter(name=NAME).exists():
        ctx.tick(1)
        return
    rng = ctx.rng
    now = timezone.now()
    programme = Programme.objects.create(
        name=NAME,
        description="Six-week peer mentoring for new parents, with a waitlist comparison arm.",
        instruments=INSTRUMENTS,
        wave_days=WAVES,
        has_comparison_arm=True,
        created_by=ctx.users.get("admin"),
    )
    members = [ctx.users[k] for k in sorted(ctx.users) if k.startswith("member")]
    for index, member in enumerate(members):
        Consent.objects.get_or_create(
            user=member,
            purpose=ConsentPurpose.EVALUATION,
            defaults={"text_version": "evaluation-1", "granted_at": now - timedelta(days=70)},
        )
        arm = Arm.PROGRAMME if index % 3 else Arm.COMPARISON
        site = "North" if index % 2 else "South"
        enrolled = now - timedelta(days=60 + rng.randint(0, 3))
        Enrolment.objects.create(
            programme=programme, member=member, arm=arm, site=site, enrolled_at=enrolled
        )
        in_programme = arm == Arm.PROGRAMME
        phq = rng.gauss(14, 4)
        support = rng.gauss(4.2, 0.9)
        lonely = rng.gauss(6.5, 1.3)
        support_gain = (0.9 if in_programme else 0.2) + rng.gauss(0, 0.4)
        for wave, day in enumerate(WAVES):
            if wave > 0 and rng.random() < 0.12:
                continue  # a missed check-in
            when = enrolled + timedelta(days=day, hours=rng.randint(1, 40))
            step = wave / (len(WAVES) - 1)
            mspss = support + support_gain * step
            phq9 = (
                phq
                - step * (1.0 + 2.5 * support_gain + (1.5 if in_programme else 0))
                + rng.gauss(0, 1.5)
            )
            ucla = lonely - step * (1.2 if in_programme else 0.3) + rng.gauss(0, 0.6)
            _store(member, "phq9", phq9, when)
            _store(member, "ucla3", ucla, when)
            _store(member, "mspss", mspss, when)
    ctx.tick(1)
