"""Review session 6: the alert page's conversation, as a screen-reader and a machine read it.

- Every message time on the alert page is a ``<time datetime>``, as the live ones are, with
  the same machine-readable value for the same message whether printed by the page or added
  by the script.
- When the member reads the team's message while the page is open, the label changes in place
  and a polite status line says so once: not on every poll, not by re-reading the message.
  The script runs under node against a small stand-in for the DOM (no browser needed).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import conversation, services
from peerhaven.safety.models import RiskAlert, SafetyMessage

JS = Path(__file__).resolve().parents[2] / "src/peerhaven/safety/static/safety/live_conversation.js"
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
function Text(data) { this.nodeType = 3; this.data = String(data); this.parentNode = null; }
Object.defineProperty(Text.prototype, "nextSibling", { get: function () { return sibling(this); } });
function sibling(node) {
  if (!node.parentNode) { return null; }
  var kids = node.parentNode.childNodes, i = kids.indexOf(node);
  return i >= 0 && i + 1 < kids.length ? kids[i + 1] : null;
}
function El(tag) {
  this.nodeType = 1; this.tagName = tag.toUpperCase(); this.attrs = {}; this.childNodes = [];
  this.parentNode = null; this.hidden = false; this.writes = 0;
}
El.prototype.getAttribute = function (n) { return n in this.attrs ? this.attrs[n] : null; };
El.prototype.setAttribute = function (n, v) { this.attrs[n] = String(v); };
El.prototype.removeAttribute = function (n) { delete this.attrs[n]; };
Object.defineProperty(El.prototype, "id", {
  get: function () { return this.attrs.id || ""; }, set: function (v) { this.attrs.id = v; } });
Object.defineProperty(El.prototype, "className", {
  get: function () { return this.attrs["class"] || ""; },
  set: function (v) { this.attrs["class"] = v; } });
Object.defineProperty(El.prototype, "firstChild", {
  get: function () { return this.childNodes[0] || null; } });
Object.defineProperty(El.prototype, "nextSibling", { get: function () { return sibling(this); } });
Object.defineProperty(El.prototype, "textContent", {
  get: function () {
    return this.childNodes.map(function (c) { return c.nodeType === 3 ? c.data : c.textContent; })
      .join("");
  },
  set: function (v) { this.childNodes = []; this.writes += 1; this.appendChild(new Text(v)); } });
El.prototype.appendChild = function (c) {
  c.parentNode = this; this.childNodes.push(c); this.writes += 1; return c; };
El.prototype.removeChild = function (c) {
  this.childNodes.splice(this.childNodes.indexOf(c), 1); c.parentNode = null; return c; };
El.prototype.all = function () {
  var out = [];
  this.childNodes.forEach(function (c) {
    if (c.nodeType === 1) { out.push(c); out = out.concat(c.all()); } });
  return out;
};
function matches(el, selector) {
  var m = /^([a-z]*)((?:\.[\w-]+)*)((?:\[[\w-]+="[^"]*"\])*)$/.exec(selector);
  if (!m) { throw new Error("selector not supported: " + selector); }
  if (m[1] && el.tagName !== m[1].toUpperCase()) { return false; }
  var classes = m[2].split(".").filter(Boolean);
  var own = el.className.split(/\s+/);
  if (classes.some(function (c) { return own.indexOf(c) < 0; })) { return false; }
  var re = /\[([\w-]+)="([^"]*)"\]/g, a;
  while ((a = re.exec(m[3]))) { if (el.getAttribute(a[1]) !== a[2]) { return false; } }
  return true;
}
El.prototype.querySelectorAll = function (s) {
  return this.all().filter(function (e) { return matches(e, s); }); };
El.prototype.querySelector = function (s) { return this.querySelectorAll(s)[0] || null; };

var root = new El("body");
var timers = [];
global.document = {
  hidden: false,
  createElement: function (t) { return new El(t); },
  createTextNode: function (t) { return new Text(t); },
  getElementById: function (id) {
    return root.all().filter(function (e) { return e.id === id; })[0] || null; },
  addEventListener: function () {}
};
global.window = {
  fetch: true,
  setTimeout: function (f) { timers.push(f); return timers.length; },
  clearTimeout: function () {},
  addEventListener: function () {}
};

function el(tag, attrs, text) {
  var e = new El(tag);
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text !== undefined) { e.appendChild(new Text(text)); }
  return e;
}
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
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(  # noqa: S603 - a fixed script and this repository's own file
        [node, "-e", HARNESS, str(JS), json.dumps(answers)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


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
