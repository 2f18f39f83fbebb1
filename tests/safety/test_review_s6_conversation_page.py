"""Review session 6: the alert page's conversation, as a screen-reader and a machine read it.

- Every message time on the alert page is a ``<time datetime>``, as the live ones are, with
  the same machine-readable value for the same message whether printed by the page or added
  by the script.
- When the member reads the team's message while the page is open, the label changes in place
  and a polite status line says so once: not on every poll, not by re-reading the message.
  The script runs under node against a small stand-in for the DOM (no browser needed).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from js_harness import run_script
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import conversation, services
from peerhaven.safety.models import RiskAlert, SafetyMessage

REPLY = "A bit better, thank you."  # invented


@pytest.fixture
def reached_out(make_alert: Callable[..., RiskAlert], moderator: User) -> RiskAlert:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(alert=alert, moderator=moderator, title="We are here", body="Hello")
    return alert


# --- <time datetime> on every message -----------------------------------------------------------


def test_the_alert_page_prints_every_message_time_as_a_time_element(
    reached_out: RiskAlert, member: User, moderator: User
) -> None:
    reply = conversation.reply_to_team(member=member, body=REPLY)
    staff = login(Client(), moderator)
    html = staff.get(f"/moderation/alerts/{reached_out.pk}/").content.decode()
    items = re.findall(r'<li class="safety-message[^"]*" data-id="(\d+)".*?</li>', html, re.S)
    assert len(items) == 2
    metas = re.findall(r'<p class="safety-message-meta">(.*?)</p>', html, re.S)
    assert len(metas) == 2
    for meta in metas:
        assert re.search(r'<time datetime="[^"]+">[^<]+</time>', meta), meta
    # The same value the live updates give the script for the same message.
    team = SafetyMessage.objects.get(member=member, from_team=True)
    live = staff.get(
        f"/moderation/alerts/{reached_out.pk}/messages/updates/", {"after": team.pk - 1}
    ).json()["messages"]
    by_id = {m["id"]: m for m in live}
    for message in (team, reply):
        printed = re.search(
            rf'data-id="{message.pk}".*?<time datetime="([^"]+)">([^<]+)</time>', html, re.S
        )
        assert printed, message.pk
        assert printed.group(1) == by_id[message.pk]["created_at"]
        assert printed.group(2) == by_id[message.pk]["time"]


def test_the_alert_page_has_a_polite_line_for_the_read_announcement(
    reached_out: RiskAlert, moderator: User
) -> None:
    html = login(Client(), moderator).get(f"/moderation/alerts/{reached_out.pk}/").content.decode()
    tag = re.search(r'<p id="conversation-read-status"[^>]*>', html)
    assert tag, "no read-status line"
    assert 'aria-live="polite"' in tag.group(0) and 'role="status"' in tag.group(0)
    assert "data-one=" in tag.group(0) and "data-many=" in tag.group(0)
    # Empty when the page loads: nothing is announced until a read happens.
    assert re.search(r'<p id="conversation-read-status"[^>]*></p>', html)


# --- The script, run under node -----------------------------------------------------------------

# A stand-in for the few DOM features live_conversation.js uses, then the alert page's list:
# one team message (id 7) shown as "not read yet". Each step answers one poll and reports the
# label, how many times the read-status line was written to, and what it says.
HARNESS = r"""
var timers = [];
global.window = {
  fetch: true,
  setTimeout: function (f) { timers.push(f); return timers.length; },
  clearTimeout: function () {},
  addEventListener: function () {}
};

var list = root.appendChild(el("ol", {
  id: "safety-conversation", "data-updates": "/u/", "data-after": "7" }));
var li = list.appendChild(el("li", {
  "class": "safety-message from-team", "data-id": "7", "data-read": "no", id: "latest" }));
var meta = li.appendChild(el("p", { "class": "safety-message-meta" }));
meta.appendChild(el("span", { "class": "safety-message-read" }, "not read yet"));
var status = root.appendChild(el("p", {
  id: "conversation-read-status", "data-one": "READ-ONE", "data-many": "READ-MANY" }));
status.writes = 0;
root.appendChild(el("p", { id: "conversation-status", "data-live": "live" }));

var answers = JSON.parse(process.argv[2]);
var asked = [];
global.fetch = function (url) {
  asked.push(url);
  var body = answers.shift();
  return Promise.resolve({ type: "basic", status: 200, ok: true,
    headers: { get: function () { return null; } },
    json: function () { return Promise.resolve(body); } });
};

require(process.argv[1]);

var report = [];
function step(remaining) {
  if (!remaining) { console.log(JSON.stringify({ steps: report, asked: asked })); return; }
  var next = timers.shift();
  next();
  setImmediate(function () { setImmediate(function () { setImmediate(function () {
    report.push({
      label: li.querySelector(".safety-message-read").textContent,
      writes: status.writes,
      said: status.textContent
    });
    step(remaining - 1);
  }); }); });
}
step(answers.length);
"""


def _run(answers: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    return run_script(HARNESS, "live_conversation.js", answers)  # type: ignore[no-any-return]


NOTHING = {"messages": [], "more": False, "read": [], "read_label": "read by the member"}
READ = {"messages": [], "more": False, "read": [7], "read_label": "read by the member"}


def test_the_read_is_announced_once_politely_and_not_on_later_polls() -> None:
    result = _run([NOTHING, READ, NOTHING, READ, NOTHING])
    steps = result["steps"]
    # Nothing read yet: nothing said.
    assert steps[0] == {"label": "not read yet", "writes": 0, "said": ""}
    # The member read it: the label changes in place and the status line says so.
    assert steps[1]["label"] == "read by the member" and steps[1]["said"] == "READ-ONE"
    written = steps[1]["writes"]
    # Later polls (even one that repeats the read) say nothing more.
    assert [s["writes"] for s in steps[2:]] == [written, written, written]
    # The page stops asking about the read once nothing is shown as unread.
    assert "unread=7" in result["asked"][1] and "unread" not in result["asked"][2]


def test_several_messages_read_at_once_are_announced_in_one_sentence() -> None:
    # A second team message arrives live (not read yet), then the member reads both.
    arrives = {
        "messages": [
            {
                "id": 8,
                "from_team": True,
                "who": "Safety team",
                "title": "",
                "body": "Still here",
                "created_at": "2026-01-01T00:00:00+00:00",
                "time": "1 Jan",
                "notes": [{"text": "not read yet", "read": False}],
            }
        ],
        "more": False,
        "read": [],
        "read_label": "read by the member",
    }
    both = {"messages": [], "more": False, "read": [7, 8], "read_label": "read by the member"}
    steps = _run([arrives, both])["steps"]
    assert steps[0]["said"] == ""
    assert steps[1]["said"] == "READ-MANY"
