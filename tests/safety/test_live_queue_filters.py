"""A filtered moderation queue stays filtered when alerts arrive live.

A browser walkthrough found that the live queue drew every new alert at the top of the page,
whatever its filters: a moderator looking at reports only, or at imminent alerts only, was
shown an ideation screening row. The page now hands ``live_queue.js`` what its filters keep
(``queries.queue_filters``, the definition the server's rows are read with), the script draws
an alert only when the filters keep it, and a new alert left out is counted in a polite note
with a link to the queue without filters, so it is never silently missed.

The script runs under node against the stand-in page of ``tests/fake_dom.js``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from js_harness import QUEUE_PAGE, run_script
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import live, services
from peerhaven.safety.models import AlertOutcome, AlertSource, AlertStatus, Level, RiskAlert

IMMINENT_TEXT = "I am going to overdose on my pills tonight"  # invented, as in conftest
IDEATION_TEXT = "I wish I was dead"  # invented, as in conftest

NOT_SHOWN_ONE = "1 open alert not shown by your filters."


def _page(moderator: User, query: str = "") -> str:
    response = login(Client(), moderator).get(f"/moderation/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _labels(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="live-queue-labels" type="application/json">(.*?)</script>', page, re.S
    )
    assert found, "the queue page carries no labels for live rows"
    return json.loads(found.group(1))


def _rows(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr [^>]*data-alert="(\d+)"', page)}


def _event(alert: RiskAlert, event: str = "created") -> dict[str, Any]:
    # As the consumer sends it, through JSON (ModerationQueueConsumer.queue_event).
    alert.refresh_from_db()
    sent = live.alert_event(alert, event)
    return json.loads(json.dumps({"type": sent["event"], "alert": sent["alert"]}))


def _report(reporter: User, about: User) -> RiskAlert:
    return services.file_report(
        reporter=reporter, obj=about, reason="They keep posting adverts", url="/forums/t/9/"
    )


@pytest.fixture
def alerts(
    make_alert: Callable[..., RiskAlert],
    member: User,
    outsider: User,
    moderator: User,
    second_moderator: User,
) -> dict[str, RiskAlert]:
    """One alert of each kind the filters tell apart, in every status, two moderators' own."""
    found = {
        "imminent": make_alert(text=IMMINENT_TEXT),
        "ideation": make_alert(text=IDEATION_TEXT),
        "report": _report(outsider, member),
        "mine": make_alert(text=IDEATION_TEXT),
        "theirs": make_alert(text=IMMINENT_TEXT),
        "resolved": make_alert(text=IDEATION_TEXT),
    }
    services.claim_alert(alert_id=found["mine"].pk, moderator=moderator)
    services.claim_alert(alert_id=found["theirs"].pk, moderator=second_moderator)
    services.claim_alert(alert_id=found["resolved"].pk, moderator=moderator)
    found["resolved"].refresh_from_db()
    services.resolve_alert(
        alert=found["resolved"], moderator=moderator, outcome=AlertOutcome.NO_RISK
    )
    for alert in found.values():
        alert.refresh_from_db()
    assert found["report"].source == AlertSource.REPORT
    assert found["ideation"].level == Level.IDEATION
    assert found["resolved"].status == AlertStatus.RESOLVED
    return found


QUERIES = [
    "",
    "?status=open",
    "?status=acknowledged",
    "?status=resolved",
    "?status=everything",
    "?level=imminent",
    "?level=ideation",
    "?source=report",
    "?source=screening&level=ideation",
    "?mine=1",
    "?mine=1&status=resolved",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_page_s_filters_keep_exactly_the_rows_the_server_draws(
    alerts: dict[str, RiskAlert], moderator: User, query: str
) -> None:
    """One definition: what the page tells the script its filters keep is what the page shows."""
    page = _page(moderator, query)
    kept = _labels(page)["filters"]
    by_events = {
        a.pk
        for a in alerts.values()
        if all(_event(a)["alert"][field] in values for field, values in kept.items())
    }
    assert by_events == _rows(page)


def test_every_filter_leaves_some_alert_out(alerts: dict[str, RiskAlert], moderator: User) -> None:
    """The comparison above is not trivially true: each filter keeps some alerts, not all."""
    everything = _rows(_page(moderator, "?status=everything"))
    assert everything == {a.pk for a in alerts.values()}
    for query in QUERIES[1:]:
        if query == "?status=everything":
            continue
        shown = _rows(_page(moderator, query))
        assert shown and shown != everything, query
        assert _labels(_page(moderator, query))["filters"], query


QUEUE_HARNESS = (
    QUEUE_PAGE
    + r"""
var steps = [];
input.frames.forEach(function (frame) {
  sockets[0].onmessage({ data: JSON.stringify(frame) });
  var note = document.getElementById("live-not-shown");
  steps.push({
    status: document.getElementById("live-status").textContent,
    note: note.textContent,
    links: note.querySelectorAll("a").map(function (a) {
      return [a.getAttribute("href"), a.textContent];
    }),
    rows: body.querySelectorAll("tr").map(function (tr) {
      return tr.getAttribute("data-alert");
    }).filter(function (id) { return id !== null; }).map(Number)
  });
});
console.log(JSON.stringify(steps));
"""
)


def _run(labels: dict[str, Any], frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the page shows after each frame: status, note (and its links) and rows."""
    return run_script(QUEUE_HARNESS, "live_queue.js", {"labels": labels, "frames": frames})


def test_the_page_has_a_polite_live_note_for_alerts_it_does_not_show(moderator: User) -> None:
    page = _page(moderator, "?level=imminent")
    assert re.search(r'<p id="live-not-shown"[^>]*role="status"[^>]*></p>', page)
    labels = _labels(page)
    assert labels["filters"] == {"status": ["open", "acknowledged"], "level": ["imminent"]}
    assert labels["clear_url"] == "/moderation/"


def test_an_ideation_alert_is_not_drawn_on_the_imminent_queue_but_is_counted(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    labels = _labels(_page(moderator, "?level=imminent"))
    ideation = make_alert(text=IDEATION_TEXT)
    imminent = make_alert(text=IMMINENT_TEXT)
    hidden, shown = _run(labels, [_event(ideation), _event(imminent)])
    assert hidden["rows"] == []
    assert hidden["note"] == f"{NOT_SHOWN_ONE} Clear filters"
    assert hidden["links"] == [["/moderation/", "Clear filters"]]
    assert f"#{ideation.pk}" not in hidden["status"]
    # A row the filters keep arrives as before, with its notice; the note stays.
    assert shown["rows"] == [imminent.pk]
    assert shown["status"] == f"New imminent alert #{imminent.pk}."
    assert shown["note"] == hidden["note"]


def test_the_reports_queue_draws_reports_only_and_counts_the_others(
    make_alert: Callable[..., RiskAlert], moderator: User, member: User, outsider: User
) -> None:
    labels = _labels(_page(moderator, "?source=report"))
    first, second = make_alert(text=IDEATION_TEXT), make_alert(text=IMMINENT_TEXT)
    report = _report(outsider, member)
    steps = _run(
        labels, [_event(first), _event(second), _event(report), _event(first, "escalated")]
    )
    assert [s["rows"] for s in steps] == [[], [], [report.pk], [report.pk]]
    assert steps[0]["note"].startswith(NOT_SHOWN_ONE)
    # Counted once per alert, whatever else is said about it.
    assert steps[3]["note"] == "2 open alerts not shown by your filters. Clear filters"
    assert steps[2]["status"] == f"New concern alert #{report.pk}."


def test_my_queue_counts_a_new_alert_until_it_is_mine(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    labels = _labels(_page(moderator, "?mine=1"))
    alert = make_alert(text=IMMINENT_TEXT)
    created = _event(alert)
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    new, taken = _run(labels, [created, _event(alert, "acknowledged")])
    assert new["rows"] == [] and new["note"].startswith(NOT_SHOWN_ONE)
    # Now on this page: drawn, and no longer counted.
    assert taken["rows"] == [alert.pk]
    assert taken["note"] == "" and taken["links"] == []


def test_a_row_the_filters_no_longer_keep_leaves_the_page_as_after_a_reload(
    make_alert: Callable[..., RiskAlert], moderator: User, second_moderator: User
) -> None:
    labels = _labels(_page(moderator, "?status=open"))
    alert = make_alert(text=IMMINENT_TEXT)
    created = _event(alert)
    services.claim_alert(alert_id=alert.pk, moderator=second_moderator)
    arrived, taken = _run(labels, [created, _event(alert, "acknowledged")])
    assert arrived["rows"] == [alert.pk]
    assert taken["rows"] == [], "an acknowledged alert stays on the open-only queue"
    assert alert.pk not in _rows(_page(moderator, "?status=open"))
    # It was shown when it arrived: nothing is counted as unseen.
    assert taken["note"] == ""


def test_an_alert_raised_out_of_the_filter_is_counted_not_dropped(
    make_alert: Callable[..., RiskAlert], moderator: User, second_moderator: User
) -> None:
    labels = _labels(_page(moderator, "?level=ideation"))
    alert = make_alert(text=IDEATION_TEXT)
    created = _event(alert)
    RiskAlert.objects.filter(pk=alert.pk).update(level="imminent")  # a newer text raised it
    raised = _event(alert, "updated")
    services.claim_alert(alert_id=alert.pk, moderator=second_moderator)
    taken = _event(alert, "acknowledged")
    arrived, left, handled = _run(labels, [created, raised, taken])
    assert arrived["rows"] == [alert.pk] and arrived["note"] == ""
    # No longer ideation: it leaves the page, but an open alert nobody has is never gone
    # without a word.
    assert left["rows"] == []
    assert left["note"] == f"{NOT_SHOWN_ONE} Clear filters"
    # Once a moderator has it, nothing is left waiting unseen.
    assert handled["note"] == ""
