// The live room: one WebSocket, JSON frames (see docs/groups.md). User text is always set with
// textContent, never innerHTML. On a lost connection it reconnects and resumes from the last id.
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root) { return; }
  var strings = document.getElementById("room-strings").dataset;
  var log = document.getElementById("room-log");
  var statusEl = document.getElementById("room-status");
  var presentEl = document.getElementById("room-present");
  var turnEl = document.getElementById("checkin-turn");
  var form = document.getElementById("room-form");
  var text = document.getElementById("room-text");
  var doneBtn = document.getElementById("checkin-done");
  var passBtn = document.getElementById("checkin-pass");
  var alertsEl = document.getElementById("fac-alerts");
  var isFacilitator = root.dataset.facilitator === "1";
  var lastSeen = 0;
  var me = null;
  var seen = {};
  var ws = null;
  var retry = 0;
  var finished = false;
  var counter = 0;
  var present = [];

  function setStatus(msg) { statusEl.textContent = msg; }

  function addMessage(m) {
    if (seen[m.id]) {
      // A held message a moderator released comes again, no longer held.
      if (!m.held) {
        var had = log.querySelector('li[data-id="' + m.id + '"]');
        if (had) { had.classList.remove("held"); }
      }
      return;
    }
    seen[m.id] = true;
    var newest = m.id > lastSeen;
    if (newest) { lastSeen = m.id; }
    var li = document.createElement("li");
    li.className = m.kind + (m.held ? " held" : "");
    li.dataset.id = String(m.id);
    if (m.author) {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = m.author.name + ":";
      li.appendChild(who);
    }
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = m.body;
    li.appendChild(body);
    // Keep id order: across server processes two messages can arrive swapped.
    var later = null;
    if (!newest) Array.prototype.some.call(log.querySelectorAll("li[data-id]"), function (el) {
      if (Number(el.dataset.id) > m.id) { later = el; return true; }
      return false;
    });
    log.insertBefore(li, later);
    log.scrollTop = log.scrollHeight;
  }

  function notice(msg) {
    var li = document.createElement("li");
    li.className = "system";
    li.textContent = msg;
    log.appendChild(li);
  }

  function send(obj) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(obj)); }
  }

  function renderPresence(list) {
    presentEl.textContent = "";
    list.forEach(function (p) {
      var li = document.createElement("li");
      li.dataset.user = String(p.id);
      var name = document.createElement("span");
      name.textContent = p.name + (me && p.id === me.id ? " " + strings.you : "");
      li.appendChild(name);
      if (isFacilitator && me && p.id !== me.id) {
        [["mute", strings.mute], ["unmute", strings.unmute], ["remove", strings.remove]].forEach(function (a) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = a[1];
          b.setAttribute("aria-label", a[1] + " " + p.name);
          b.addEventListener("click", function () { send({ type: a[0], user_id: p.id }); });
          li.appendChild(b);
        });
      }
      presentEl.appendChild(li);
    });
  }

  function renderCheckin(c) {
    var mine = c.active && me && c.current === me.id;
    doneBtn.hidden = !mine;
    passBtn.hidden = !mine;
    if (!c.active) { turnEl.hidden = true; turnEl.textContent = ""; return; }
    var current = c.order.filter(function (p) { return p.id === c.current; })[0];
    turnEl.hidden = false;
    turnEl.textContent = mine ? strings.yourturn : strings.turn + " " + (current ? current.name : "");
  }

  // A message of mine screened at ideation or more: the crisis lines, in the room, at once.
  function showHelp(ev) {
    var help = document.getElementById("room-help");
    if (!help) return;
    document.getElementById("room-help-held").hidden = !ev.held;
    help.hidden = false;
    help.focus();
  }

  function handle(ev) {
    switch (ev.type) {
      case "state":
        me = ev.me;
        ev.messages.forEach(addMessage);
        present = ev.present;
        renderPresence(present);
        renderCheckin(ev.checkin);
        setStatus(ev.paused ? strings.paused : strings.connected);
        // Facilitators: messages still held for review (who, never what), after a reconnect.
        (ev.alerts || []).forEach(handle);
        break;
      case "message": addMessage(ev.message); break;
      case "ack": text.disabled = false; break;
      case "safety.panel": showHelp(ev); break;
      case "presence":
        if (ev.event === "join" && !present.some(function (p) { return p.id === ev.user.id; })) {
          present.push(ev.user);
        } else if (ev.event === "leave" && !ev.still_here) {
          present = present.filter(function (p) { return p.id !== ev.user.id; });
        }
        renderPresence(present);
        break;
      case "checkin": renderCheckin(ev); break;
      case "paused": setStatus(ev.paused ? strings.paused : strings.connected); break;
      case "muted":
        if (me && ev.user.id === me.id) {
          text.disabled = ev.muted;
          if (ev.message) { notice(ev.message); }  // a moderator's mute: why and until when
        }
        break;
      case "removed":
        if (me && ev.user.id === me.id) { finished = true; setStatus(strings.removed); }
        present = present.filter(function (p) { return p.id !== ev.user.id; });
        renderPresence(present);
        break;
      case "risk_alert":
        if (alertsEl) {
          alertsEl.textContent = ev.notice || strings.alert + " " + (ev.author ? ev.author.name : "");
        }
        break;
      case "ended":
        finished = true;
        setStatus(strings.ended);
        var a = document.createElement("a");
        a.href = root.dataset.after;
        a.textContent = strings.ended;
        a.id = "after-link";
        statusEl.textContent = "";
        statusEl.appendChild(a);
        break;
      case "error":
        notice(ev.message);
        // The server closes the connection after these; do not try to come back.
        if (["removed", "banned", "not_member", "signed_out"].indexOf(ev.code) >= 0) {
          finished = true;
          setStatus(ev.message);
        }
        break;
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + root.dataset.ws);
    ws.addEventListener("open", function () {
      retry = 0;
      send({ type: "hello", last_seen_id: lastSeen || null });
    });
    ws.addEventListener("message", function (e) {
      var ev;
      try { ev = JSON.parse(e.data); } catch (err) { return; }
      handle(ev);
    });
    ws.addEventListener("close", function (e) {
      if (finished || e.code === 4401 || e.code === 4403 || e.code === 4404 || e.code === 4409 || e.code === 1000) {
        if (!finished && e.code !== 1000) { setStatus(strings.ended); }
        return;
      }
      setStatus(strings.reconnecting);
      retry = Math.min(retry + 1, 6);
      window.setTimeout(connect, Math.max(500 * retry, offlineUntil - Date.now()));
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var body = text.value.trim();
    if (!body) { return; }
    counter += 1;
    send({ type: "message", body: body, client_id: "c" + counter });
    text.value = "";
    text.focus();
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  doneBtn.addEventListener("click", function () { send({ type: "checkin.done" }); });
  passBtn.addEventListener("click", function () { send({ type: "checkin.pass" }); });
  Array.prototype.forEach.call(root.querySelectorAll("[data-action]"), function (b) {
    b.addEventListener("click", function () {
      if (b.dataset.action === "end" && !window.confirm(strings.confirmend)) { return; }
      send({ type: b.dataset.action });
    });
  });
  // Keep idle connections alive through proxies (the server heartbeats presence on its own).
  window.setInterval(function () { send({ type: "ping" }); }, 25000);
  // For tests and debugging: drop the connection as a network failure of detail ms would.
  var offlineUntil = 0;
  root.addEventListener("room:drop", function (e) {
    offlineUntil = Date.now() + (Number(e.detail) || 0);
    if (ws) { ws.close(4000); }
  });
  connect();
})();
