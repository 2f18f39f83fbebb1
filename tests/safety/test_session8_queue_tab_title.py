"""Session 8: a new imminent alert shows in the tab title while the live queue is hidden.

A moderator working in another tab saw nothing change when an imminent alert arrived. While
the page is hidden, ``live_queue.js`` now counts new imminent alerts in the title ("(2) Imminent
alerts — Moderation queue · Peerhaven") and puts the page's own title back when it is visible
again. The script runs under node against the stand-in page of ``tests/fake_dom.js``; the
document's title and its ``visibilitychange`` listeners are stood in for here.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from js_harness import QUEUE_PAGE, run_script
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import live
from peerhaven.safety.models import RiskAlert

from .conftest import IDEATION_TEXT, IMMINENT_TEXT

HARNESS = (
    r"""
var listeners = {};
document.addEventListener = function (type, fn) {
  (listeners[type] = listeners[type] || []).push(fn);
};
document.hidden = false;
"""
    + QUEUE_PAGE
    + r"""
document.title = input.title;
var titles = [];
input.steps.forEach(function (step) {
  if (step.frame) {
    sockets[0].onmessage({ data: JSON.stringify(step.frame) });
  } else {
    document.hidden = step.hidden;
    (listeners.visibilitychange || []).forEach(function (fn) { fn(); });
  }
  titles.push(document.title);
});
console.log(JSON.stringify(titles));
"""
)


def _page(moderator: User, query: str = "") -> tuple[str, dict[str, Any]]:
    """The queue page's title and its labels for live rows."""
    page = login(Client(), moderator).get(f"/moderation/{query}").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    labels = re.search(
        r'<script id="live-queue-labels" type="application/json">(.*?)</script>', page, re.S
    )
    assert title and labels
    return html.unescape(title.group(1).strip()), json.loads(labels.group(1))


def _frame(alert: RiskAlert, event: str = "created") -> dict[str, Any]:
    # As the consumer sends it, through JSON (ModerationQueueConsumer.queue_event).
    alert.refresh_from_db()
    sent = live.alert_event(alert, event)
    return {"frame": json.loads(json.dumps({"type": sent["event"], "alert": sent["alert"]}))}


HIDE = {"hidden": True}
SHOW = {"hidden": False}


def _titles(moderator: User, steps: list[dict[str, Any]], query: str = "") -> tuple[str, list[str]]:
    title, labels = _page(moderator, query)
    data = {"labels": labels, "title": title, "steps": steps}
    return title, run_script(HARNESS, "live_queue.js", data)


def test_a_hidden_queue_counts_new_imminent_alerts_in_the_title_until_seen(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    first, second = make_alert(text=IMMINENT_TEXT), make_alert(text=IMMINENT_TEXT)
    title, titles = _titles(moderator, [HIDE, _frame(first), _frame(second), SHOW])
    assert title == "Moderation queue · Peerhaven"
    assert titles == [
        title,
        f"(1) Imminent alert — {title}",
        f"(2) Imminent alerts — {title}",
        title,
    ]


def test_the_count_starts_again_after_the_page_was_seen(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    first, second = make_alert(text=IMMINENT_TEXT), make_alert(text=IMMINENT_TEXT)
    title, titles = _titles(
        moderator,
        [HIDE, _frame(first), _frame(first, "escalated"), SHOW, HIDE, _frame(second)],
    )
    # The same alert again (escalated) is not counted twice.
    assert titles[1] == titles[2] == f"(1) Imminent alert — {title}"
    assert titles[3] == titles[4] == title
    assert titles[5] == f"(1) Imminent alert — {title}"


def test_an_ideation_alert_or_a_visible_page_leaves_the_title_alone(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    ideation, imminent = make_alert(text=IDEATION_TEXT), make_alert(text=IMMINENT_TEXT)
    title, titles = _titles(moderator, [HIDE, _frame(ideation), SHOW, _frame(imminent)])
    assert titles == [title] * 4


def test_an_alert_raised_to_imminent_while_hidden_is_counted(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    alert = make_alert(text=IDEATION_TEXT)
    ideation = _frame(alert)
    alert.level = "imminent"
    alert.save(update_fields=["level"])
    title, titles = _titles(moderator, [ideation, HIDE, _frame(alert, "updated")])
    assert titles == [title, title, f"(1) Imminent alert — {title}"]


def test_a_filtered_queue_counts_them_too(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    """The reports-only queue does not draw a screened imminent alert, but the tab says so."""
    alert = make_alert(text=IMMINENT_TEXT)
    title, titles = _titles(moderator, [HIDE, _frame(alert)], "?source=report")
    assert titles[-1] == f"(1) Imminent alert — {title}"
