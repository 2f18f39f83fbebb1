"""Fixes from a staff walkthrough of the moderation pages in a real browser.

1. A live queue row reads as a server-drawn one: labels, the member's name, the due time in the
   moderator's own zone, and a working Acknowledge form (the script runs under node against a
   stand-in page, as in test_review_s6_conversation_page.py).
2. Choosing an outreach template shows its words before they are sent.
3. The resolve form chooses nothing for the moderator.
4. A held post kept hidden after review is no longer "waiting" for its author.
5. The appeals page offers the decision only to a moderator who may take it.
6. The mute notice: one full stop, a link to appeal, and a label that says what a mute does.
7. Crisis lines: no future "verified on" date, and only the project's country codes.
"""

from __future__ import annotations

import datetime
import html
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from js_harness import QUEUE_PAGE, run_script
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import live, services
from peerhaven.safety.models import AlertStatus, Appeal, CrisisResource, OutreachTemplate, RiskAlert

IMMINENT_TEXT = "I am going to overdose on my pills tonight"  # invented, as in conftest


# --- 1. The live queue ---------------------------------------------------------------------------


def test_the_live_event_names_the_member_and_carries_none_of_their_words(
    make_alert: Callable[..., RiskAlert], member: User
) -> None:
    alert = make_alert(text=IMMINENT_TEXT)
    event = live.alert_event(alert, "created")["alert"]
    assert event["member"] == member.display_name
    sent = json.dumps(event)
    assert "overdose" not in sent and "pills" not in sent
    assert not {"evidence", "held_text", "reason", "note"} & set(event)


def test_the_live_event_of_an_erased_member_has_no_name(
    make_alert: Callable[..., RiskAlert],
) -> None:
    alert = make_alert()
    alert.author = None
    assert live.alert_event(alert, "created")["alert"]["member"] is None


class _Tree(HTMLParser):
    """The queue page's rows as (tag, attrs, children) with text nodes as strings."""

    def __init__(self) -> None:
        super().__init__()
        self.root: list[Any] = ["root", {}, []]
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = [tag, {k: v or "" for k, v in attrs}, []]
        self.stack[-1][2].append(node)
        if tag not in ("input", "br"):
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("input", "br") and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1][2].append(data)


def _text(node: Any) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(c) for c in node[2])


def _find(node: Any, tag: str) -> list[Any]:
    if isinstance(node, str):
        return []
    out = [node] if node[0] == tag else []
    for c in node[2]:
        out += _find(c, tag)
    return out


def _summary(row: Any) -> dict[str, Any]:
    """What a moderator sees and can do in one row."""
    cells = [n for n in row[2] if not isinstance(n, str) and n[0] == "td"]
    times = _find(row, "time")
    forms = _find(row, "form")
    inputs = _find(row, "input")
    return {
        "cells": [" ".join(html.unescape(_text(c)).split()) for c in cells],
        "link": [a[1].get("href") for a in _find(row, "a")],
        "classes": sorted(set(row[1].get("class", "").split()) - {"live-new"}),
        "time": [(t[1].get("datetime"), _text(t)) for t in times],
        "form": [(f[1].get("method"), f[1].get("action")) for f in forms],
        "inputs": [(i[1].get("type"), i[1].get("name")) for i in inputs],
        "buttons": [(b[1].get("type"), _text(b)) for b in _find(row, "button")],
    }


def _server_row(page: str, alert_id: int) -> tuple[dict[str, Any], list[str]]:
    tree = _Tree()
    tree.feed(page)
    rows = [r for r in _find(tree.root, "tr") if r[1].get("data-alert") == str(alert_id)]
    assert len(rows) == 1, "the server drew no row for the alert"
    tokens = [i[1]["value"] for i in _find(rows[0], "input") if i[1].get("name")]
    return _summary(rows[0]), tokens


def _labels(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="live-queue-labels" type="application/json">(.*?)</script>', page
    )
    assert found, "the queue page carries no labels for live rows"
    return json.loads(found.group(1))


QUEUE_HARNESS = (
    QUEUE_PAGE
    + r"""
input.frames.forEach(function (frame) { sockets[0].onmessage({ data: JSON.stringify(frame) }); });
console.log(JSON.stringify({
  url: sockets[0].url,
  status: document.getElementById("live-status").textContent,
  rows: body.childNodes.map(serialise)
}));
"""
)


def _run_queue(labels: dict[str, Any], token: str, frames: list[dict[str, Any]]) -> Any:
    # The browser's own zone is not the moderator's: the row must not use it.
    return run_script(
        QUEUE_HARNESS,
        "live_queue.js",
        {"labels": labels, "token": token, "frames": frames},
        env={"TZ": "America/Los_Angeles", "PATH": "/usr/bin:/bin"},
    )


def _frame(alert: RiskAlert, event: str) -> dict[str, Any]:
    # As the consumer sends it, through JSON (ModerationQueueConsumer.queue_event).
    sent = live.alert_event(alert, event)
    return json.loads(json.dumps({"type": sent["event"], "alert": sent["alert"]}))


@pytest.fixture
def far_moderator(moderator: User) -> User:
    """A moderator whose zone is far from both UTC and the browser's (America/Los_Angeles)."""
    moderator.time_zone = "Pacific/Auckland"
    moderator.save(update_fields=["time_zone"])
    return moderator


def test_a_live_row_reads_and_works_as_the_row_the_server_draws(
    make_alert: Callable[..., RiskAlert], far_moderator: User
) -> None:
    alert = make_alert(text=IMMINENT_TEXT)
    page = login(Client(), far_moderator).get("/moderation/").content.decode()
    server, tokens = _server_row(page, alert.pk)
    result = _run_queue(_labels(page), tokens[0], [_frame(alert, "created")])
    assert len(result["rows"]) == 1, "the 'no alerts' row stays, or the alert was not added"
    live_row = _summary(result["rows"][0])
    assert live_row == server
    # The same words a moderator reads on the page (not codes), and what was checked above:
    assert server["cells"][1] == "Imminent" and server["cells"][2] == alert.author.display_name
    due = alert.sla_due_at.astimezone(ZoneInfo("Pacific/Auckland"))
    assert live_row["time"] == [(alert.sla_due_at.isoformat(), due.strftime("%H:%M"))]
    assert live_row["form"] == [("post", f"/moderation/alerts/{alert.pk}/acknowledge/")]
    assert live_row["buttons"] == [("submit", "Acknowledge")]
    # The form posts the page's CSRF token.
    hidden = [
        c
        for c in json.dumps(result["rows"][0]).split('"csrfmiddlewaretoken"')[1:]
        if tokens[0] in c
    ]
    assert hidden, "the Acknowledge form carries no CSRF token from the page"
    assert result["status"] == f"New imminent alert #{alert.pk}."


def test_an_acknowledged_alert_arriving_live_reads_as_the_server_draws_it(
    make_alert: Callable[..., RiskAlert], far_moderator: User, second_moderator: User
) -> None:
    alert = make_alert()
    page = login(Client(), far_moderator).get("/moderation/").content.decode()
    labels = _labels(page)
    services.claim_alert(alert_id=alert.pk, moderator=second_moderator)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    after = login(Client(), far_moderator).get("/moderation/").content.decode()
    server, _tokens = _server_row(after, alert.pk)
    result = _run_queue(labels, "tok", [_frame(alert, "created"), _frame(alert, "acknowledged")])
    assert len(result["rows"]) == 1
    assert _summary(result["rows"][0]) == server
    assert server["cells"][3] == f"Acknowledged · {second_moderator.display_name}"
    assert server["form"] == [] and server["time"] == []


# --- 2. Reach out with a template ---------------------------------------------------------------


@pytest.fixture
def mine(make_alert: Callable[..., RiskAlert], moderator: User) -> RiskAlert:
    """An imminent alert about a held text (a user row stands in for the post), acknowledged."""
    alert = make_alert(text=IMMINENT_TEXT, obj=User.objects.create(email="stand-in@example.org"))
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    alert.refresh_from_db()
    return alert


def test_every_template_s_words_are_on_the_alert_page_before_sending(
    mine: RiskAlert, moderator: User, member: User
) -> None:
    template = OutreachTemplate.objects.create(
        name="Evening check", title="Thinking of you, {name}", body="Hello {name},\nwe are here."
    )
    page = login(Client(), moderator).get(f"/moderation/alerts/{mine.pk}/").content.decode()
    preview = re.search(
        rf'<details class="outreach-template" data-template="{template.pk}">(.*?)</details>',
        page,
        re.S,
    )
    assert preview, "the template's words are not on the page"
    text = html.unescape(preview.group(1))
    assert f"Thinking of you, {member.display_name}" in text
    assert f"Hello {member.display_name},<br>we are here." in text
    assert "Leave empty to send the template as it is" not in page
    assert "safety/outreach_templates" in page


OUTREACH_HARNESS = r"""
var steps = JSON.parse(process.argv[2]);
var form = root.appendChild(el("form", { id: "outreach-form" }));
var select = form.appendChild(el("select", { name: "template" }));
var title = form.appendChild(el("input", { name: "title" }));
var body = form.appendChild(el("textarea", { name: "body" }));
form.appendChild(el("p", { id: "outreach-template-status", "data-kept": "KEPT" }));
[select, title, body].forEach(function (e) {
  e.value = ""; e.listeners = {};
  e.addEventListener = function (type, f) { this.listeners[type] = f; };
});
var d = root.appendChild(el("details", { "class": "outreach-template", "data-template": "5" }));
d.appendChild(el("strong", { "class": "template-title" }, "Thinking of you, Amber"));
d.appendChild(el("pre", { "class": "template-source" }, "Hello Amber,\nwe are here."));
global.window = {};
require(process.argv[1]);
var out = [];
steps.forEach(function (s) {
  if ("type" in s) { body.value = s.type; }
  if ("choose" in s) { select.value = s.choose; select.listeners.change(); }
  out.push({ title: title.value, body: body.value,
    status: document.getElementById("outreach-template-status").textContent });
});
console.log(JSON.stringify(out));
"""


def _run_outreach(steps: list[dict[str, str]]) -> list[dict[str, str]]:
    return run_script(OUTREACH_HARNESS, "outreach_templates.js", steps)  # type: ignore[no-any-return]


def test_choosing_a_template_fills_title_and_message_with_its_words() -> None:
    chosen, mine_again = _run_outreach([{"choose": "5"}, {"choose": ""}])
    assert chosen["title"] == "Thinking of you, Amber"
    assert chosen["body"] == "Hello Amber,\nwe are here."
    # Back to "(write my own)": what the template filled in goes, nothing else.
    assert mine_again["title"] == "" and mine_again["body"] == ""


def test_choosing_a_template_never_overwrites_what_the_moderator_typed() -> None:
    (step,) = _run_outreach([{"type": "My own words", "choose": "5"}])
    assert step["body"] == "My own words" and step["status"] == "KEPT"


# --- 3 and 4. Resolving -------------------------------------------------------------------------


def test_the_resolve_form_chooses_no_outcome_and_does_not_release_held_content(
    mine: RiskAlert, moderator: User
) -> None:
    page = login(Client(), moderator).get(f"/moderation/alerts/{mine.pk}/").content.decode()
    select = re.search(r'<select name="outcome".*?</select>', page, re.S)
    assert select, page
    assert re.search(r'<option value="" selected>', select.group(0))
    assert select.group(0).count("selected") == 1
    assert "required" in select.group(0)
    release = re.search(r'<input type="checkbox" name="release_held"[^>]*>', page)
    assert release and "checked" not in release.group(0)


def test_a_resolve_without_an_outcome_is_refused_and_the_alert_stays_open(
    mine: RiskAlert, moderator: User
) -> None:
    response = login(Client(), moderator).post(
        f"/moderation/alerts/{mine.pk}/resolve/", {"outcome": "", "note": "kept"}
    )
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.status == AlertStatus.ACKNOWLEDGED and mine.outcome == ""


@pytest.fixture
def releases(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """A held-content app (the stand-in user rows) that records what it was asked to do."""
    calls: list[tuple[Any, ...]] = []

    def release(object_id: str, publish: bool, reason: str = "") -> None:
        calls.append((object_id, publish, reason))

    monkeypatch.setattr(services, "_hold_releasers", {})
    monkeypatch.setattr(services, "_releasers_with_reason", set())
    services.register_hold_releaser("accounts.user", release, takes_reason=True)
    return calls


def test_a_resolve_form_left_as_it_is_keeps_held_content_hidden(
    mine: RiskAlert, moderator: User, releases: list[tuple[Any, ...]]
) -> None:
    assert mine.held
    login(Client(), moderator).post(
        f"/moderation/alerts/{mine.pk}/resolve/",
        {"outcome": "reached_out", "held_reason": "It describes a method."},
    )
    mine.refresh_from_db()
    assert mine.status == AlertStatus.RESOLVED
    assert releases == [(mine.object_id, False, "It describes a method.")]


def test_the_api_keeps_held_content_hidden_unless_asked(
    mine: RiskAlert, moderator: User, releases: list[tuple[Any, ...]]
) -> None:
    response = login(Client(), moderator).post(
        f"/api/safety/alerts/{mine.pk}/resolve",
        {"outcome": "no_risk", "note": "Lyrics from a song."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert releases == [(mine.object_id, False, "")]


def test_a_releaser_registered_without_a_reason_is_called_as_before(
    mine: RiskAlert, moderator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, bool]] = []
    monkeypatch.setattr(services, "_hold_releasers", {})
    monkeypatch.setattr(services, "_releasers_with_reason", set())
    services.register_hold_releaser("accounts.user", lambda i, p: calls.append((i, p)))
    services.resolve_alert(
        alert=mine, moderator=moderator, outcome="reached_out", release_held=False,
        held_reason="kept",
    )  # fmt: skip
    assert calls == [(mine.object_id, False)]


# --- 5. Appeals ---------------------------------------------------------------------------------


@pytest.fixture
def appealed(member: User, moderator: User) -> Appeal:
    action = services.take_action(
        member=member, moderator=moderator, kind="mute", reason="Cool-off", hours=48
    )
    return services.file_appeal(action=action, member=member, text="Please look again")


def test_the_moderator_who_acted_sees_the_appeal_but_no_decide_form(
    appealed: Appeal, moderator: User
) -> None:
    page = login(Client(), moderator).get("/moderation/appeals/").content.decode()
    assert "Please look again" in page
    assert f"/moderation/appeals/{appealed.pk}/" not in page and ">Decide<" not in page
    assert "You took this action, so another moderator decides the appeal." in page
    # Who acted, when and for how long.
    assert "Decided by" in page and moderator.display_name in page
    assert "2\xa0days" in page or "2 days" in page


def test_another_moderator_gets_the_decide_form(appealed: Appeal, second_moderator: User) -> None:
    page = login(Client(), second_moderator).get("/moderation/appeals/").content.decode()
    assert f'action="/moderation/appeals/{appealed.pk}/' in page and ">Decide<" in page


def test_the_member_an_appeal_is_about_gets_no_decide_form(
    make_user: Callable[..., User], second_moderator: User
) -> None:
    from peerhaven.accounts.models import Role

    muted = make_user(display_name="Muted Moderator", roles=(Role.MODERATOR,))
    action = services.take_action(
        member=muted, moderator=second_moderator, kind="warning", reason="Tone"
    )
    services.file_appeal(action=action, member=muted, text="Not fair")
    page = login(Client(), muted).get("/moderation/appeals/").content.decode()
    assert "Not fair" in page and ">Decide<" not in page
    assert "This appeal is about you" in page


# --- 6. The mute notice -------------------------------------------------------------------------


def test_the_mute_notice_has_one_full_stop_a_link_to_appeal_and_says_what_a_mute_does(
    member: User, moderator: User
) -> None:
    services.take_action(
        member=member, moderator=moderator, kind="mute", reason="We want to support you.", hours=24
    )
    page = login(Client(), member).get("/safety/plan/").content.decode()
    notice = re.search(r'<section class="sanction-notice".*?</section>', page, re.S)
    assert notice
    text = html.unescape(notice.group(0))
    assert "support you." in text and "support you.." not in text
    assert "appeal at /safety/actions/" not in text
    assert re.search(r'<a href="/safety/actions/">[^<]*appeal[^<]*</a>', text)
    assert "forums and group rooms" in text


def test_the_refusal_keeps_the_moderator_s_own_punctuation() -> None:
    from peerhaven.safety.sanctions import Sanction, restriction_text

    now = timezone.now()
    for reason, ending in (("Cool-off", "Cool-off. "), ("Why?", "Why? "), ("Done.", "Done. ")):
        text = restriction_text(Sanction(1, "mute", reason, now, None), None)
        assert ending in text, text


def test_the_mute_label_says_what_a_mute_stops() -> None:
    from peerhaven.safety.models import ActionKind

    label = str(ActionKind.MUTE.label)
    assert "or message" not in label and "forums" in label


# --- 7. Crisis lines ----------------------------------------------------------------------------


def _resource_form(**changes: str) -> dict[str, str]:
    return {
        "country": "GB",
        "language": "en",
        "name": "Night Line",
        "phone": "0800 000 000",
        "verified_on": timezone.localdate().isoformat(),
        "sort_order": "100",
        "is_active": "on",
        **changes,
    }


def test_a_verified_on_date_in_the_future_is_refused(moderator: User) -> None:
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = login(Client(), moderator).post(
        "/moderation/resources/new/", _resource_form(verified_on=future)
    )
    assert response.status_code == 200
    assert "cannot be in the future" in html.unescape(response.content.decode())
    assert not CrisisResource.objects.filter(name="Night Line").exists()


@pytest.mark.parametrize(
    ("country", "says"), [("UK", "use GB"), ("XX", "two-letter ISO 3166 code")]
)
def test_a_country_that_is_not_a_project_code_is_refused_with_a_clear_message(
    moderator: User, country: str, says: str
) -> None:
    response = login(Client(), moderator).post(
        "/moderation/resources/new/", _resource_form(country=country)
    )
    assert says in html.unescape(response.content.decode())
    assert not CrisisResource.objects.filter(name="Night Line").exists()


def test_a_known_country_and_today_are_accepted(moderator: User) -> None:
    response = login(Client(), moderator).post(
        "/moderation/resources/new/", _resource_form(country="gb")
    )
    assert response.status_code == 302
    assert CrisisResource.objects.get(name="Night Line").country == "GB"


def test_the_resource_form_offers_the_project_s_countries(moderator: User) -> None:
    page = login(Client(), moderator).get("/moderation/resources/new/").content.decode()
    assert re.search(r'<select name="country"', page)
    assert '<option value="GB">' in page and '<option value="INTL">' in page
    assert 'value="UK"' not in page
