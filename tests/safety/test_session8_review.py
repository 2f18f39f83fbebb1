"""Session 8 review: a hidden live queue counts an alert raised to imminent in its tab title
even when the page never drew that alert.

The server pages the on-duty team when an open alert is raised to imminent. The tab title only
counted a raise when the page had seen the alert at a lower level, so on the imminent-only
queue (which never draws ideation alerts), on a filtered queue, or for an alert older than
the page's first rows, a raise to imminent left the hidden tab's title unchanged. The queue
event now says when it raised an alert to imminent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client
from js_harness import run_script
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import live
from peerhaven.safety.models import RiskAlert

from .conftest import IDEATION_TEXT, IMMINENT_TEXT
from .test_session8_queue_tab_title import HARNESS, HIDE, _page


def _events(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any, raise_: Callable[[], Any]
) -> list[dict[str, Any]]:
    """The frames the moderators' browsers receive for what ``raise_`` does."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(live, "broadcast", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        raise_()
    # As the consumer sends them (ModerationQueueConsumer.queue_event), through JSON.
    return [
        {"frame": json.loads(json.dumps({"type": e["event"], "alert": e["alert"]}))} for e in sent
    ]


def test_a_raise_to_imminent_of_an_alert_the_page_never_drew_is_counted_in_the_title(
    make_alert: Callable[..., RiskAlert],
    member: User,
    moderator: User,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ideation = make_alert(text=IDEATION_TEXT, obj=member)  # before the page was opened
    # The imminent-only queue: the ideation alert is not among its rows.
    title, labels = _page(moderator, "?level=imminent")
    queue = login(Client(), moderator).get("/moderation/?level=imminent").content.decode()
    assert f'data-alert="{ideation.pk}"' not in queue

    frames = _events(
        monkeypatch,
        django_capture_on_commit_callbacks,
        lambda: make_alert(text=IMMINENT_TEXT, obj=member),  # the same post, now with a plan
    )
    assert [f["frame"]["type"] for f in frames] == ["updated"]
    assert frames[0]["frame"]["alert"]["id"] == ideation.pk
    assert frames[0]["frame"]["alert"]["level"] == "imminent"

    titles = run_script(
        HARNESS, "live_queue.js", {"labels": labels, "title": title, "steps": [HIDE, *frames]}
    )
    assert titles[-1] == f"(1) Imminent alert — {title}"


def test_an_update_that_does_not_raise_the_level_is_not_counted(
    make_alert: Callable[..., RiskAlert],
    member: User,
    moderator: User,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_alert(text=IMMINENT_TEXT, obj=member)  # imminent before the page was opened
    title, labels = _page(moderator, "?source=report")
    frames = _events(
        monkeypatch,
        django_capture_on_commit_callbacks,
        lambda: make_alert(text=IMMINENT_TEXT, obj=member),  # edited again, still imminent
    )
    assert [f["frame"]["type"] for f in frames] == ["updated"]
    titles = run_script(
        HARNESS, "live_queue.js", {"labels": labels, "title": title, "steps": [HIDE, *frames]}
    )
    assert titles == [title, title]
