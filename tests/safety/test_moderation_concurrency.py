"""Nobody handles the same alert twice: concurrent claims on PostgreSQL row locks."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from peerhaven.accounts.models import Role, User
from peerhaven.safety import services
from peerhaven.safety.models import AlertStatus, RiskAlert

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locking (SKIP LOCKED) needs PostgreSQL"
    ),
]


def _in_threads(work: Callable[[int], object], n: int) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_moderators_claiming_one_alert_at_once_give_it_to_exactly_one(
    make_user: Callable[..., User], make_alert: Callable[..., RiskAlert]
) -> None:
    alert = make_alert()
    moderators = [make_user(roles=(Role.MODERATOR,)) for _ in range(8)]
    results = _in_threads(
        lambda i: services.claim_alert(alert_id=alert.pk, moderator=moderators[i]), 8
    )
    winners = [r for r in results if isinstance(r, RiskAlert)]
    losers = [r for r in results if isinstance(r, services.AlertUnavailableError)]
    assert len(winners) == 1 and len(losers) == 7
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.assigned_to_id == winners[0].assigned_to_id


def test_moderators_taking_the_next_alert_at_once_each_get_a_different_one(
    make_user: Callable[..., User], member: User, outcome_for: Callable[[str], object]
) -> None:
    outcome = outcome_for("I wish I was dead")
    for n in range(6):
        services.handle_screening(outcome=outcome, author=member, kind=f"k{n}")
    moderators = [make_user(roles=(Role.MODERATOR,)) for _ in range(6)]
    results = _in_threads(lambda i: services.claim_next_alert(moderator=moderators[i]), 6)
    claimed = [r.pk for r in results if isinstance(r, RiskAlert)]
    assert len(claimed) == len(set(claimed))
    assert RiskAlert.objects.filter(status=AlertStatus.ACKNOWLEDGED).count() == len(claimed)
    assert len(claimed) >= 5  # at most a rare retry-exhausted miss, never a double claim
