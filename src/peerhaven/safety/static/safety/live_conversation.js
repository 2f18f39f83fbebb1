// Live updates of a conversation with the safety team: the member's page (/safety/messages/)
// and the alert page moderators read it on. Without JavaScript both pages work as before;
// reload them to see new messages.
//
// The page asks a JSON endpoint (the list's data-updates) for messages after the newest one it
// shows, every 5 s while the tab is visible, slower after a quiet while, and backs off on
// errors; it stops for good (and says so) when the server says the person may no longer read.
// Messages arrive oldest first and are added once (by id). Every string a person wrote is put
// in with textContent, never as HTML. The list is an aria-live="polite" region, so screen
// readers announce what is added; the visible status line (role="status") says what happens.
// On the alert page, the "not read yet" label of the team's messages already shown turns into
// "read by the member" when the member reads them: the page names the oldest such message
// (?unread=<id>) and changes only that label's text in place, so the message is not announced
// again; a separate polite status line says once that the member has read it.
(function () {
  "use strict";
  var list = document.getElementById("safety-conversation");
  if (!list || !window.fetch) { return; }
  var url = list.getAttribute("data-updates");
  var after = parseInt(list.getAttribute("data-after") || "0", 10) || 0;
  var status = document.getElementById("conversation-status");

  var FAST = 5000;          // a reply is probably coming: someone is waiting for it
  var QUIET = 15000;        // after 5 minutes without a new message
  var IDLE = 30000;         // after 30 minutes
  var MAX_BACKOFF = 120000;
  var lastNews = Date.now();
  var failures = 0;
  var timer = null;
  var busy = false;
  var stopped = false;

  function say(key) {
    if (status) { status.textContent = status.getAttribute("data-" + key) || ""; }
  }

  function delay() {
    var quiet = Date.now() - lastNews;
    var base = quiet < 300000 ? FAST : quiet < 1800000 ? QUIET : IDLE;
    // A little jitter, so that many open pages do not ask in step.
    return base * (0.9 + Math.random() * 0.2);
  }

  function schedule(ms) {
    window.clearTimeout(timer);
    timer = null;
    if (!stopped && !document.hidden) { timer = window.setTimeout(poll, ms); }
  }

  function stop() {
    stopped = true;
    window.clearTimeout(timer);
    say("stopped");
  }

  // Text with its line breaks kept (the page uses linebreaksbr), as text nodes only.
  function textWithBreaks(parent, text) {
    String(text).replace(/\r\n|\r/g, "\n").split("\n").forEach(function (line, i) {
      if (i > 0) { parent.appendChild(document.createElement("br")); }
      parent.appendChild(document.createTextNode(line));
    });
  }

  function render(msg) {
    var li = document.createElement("li");
    li.className = "safety-message " + (msg.from_team ? "from-team" : "from-me");
    li.setAttribute("data-id", String(msg.id));

    var meta = document.createElement("p");
    meta.className = "safety-message-meta";
    var who = document.createElement("strong");
    who.textContent = msg.who;
    meta.appendChild(who);
    meta.appendChild(document.createTextNode(" · "));
    var time = document.createElement("time");
    time.setAttribute("datetime", msg.created_at);
    time.textContent = msg.time;
    meta.appendChild(time);
    (msg.notes || []).forEach(function (note) {
      meta.appendChild(document.createTextNode(" · "));
      var el;
      if (note.href) {
        el = document.createElement("a");
        el.setAttribute("href", note.href);
      } else if (note.strong) {
        el = document.createElement("strong");
      } else {
        el = document.createElement("span");
      }
      if (typeof note.read === "boolean") {
        // The alert page's read state of a team message, updated in place (markRead).
        el.className = "safety-message-read";
        li.setAttribute("data-read", note.read ? "yes" : "no");
      }
      el.textContent = note.text;
      meta.appendChild(el);
    });
    li.appendChild(meta);

    if (msg.title) {
      var title = document.createElement("p");
      title.className = "safety-message-title";
      var strong = document.createElement("strong");
      strong.textContent = msg.title;
      title.appendChild(strong);
      li.appendChild(title);
    }
    var body = document.createElement("p");
    textWithBreaks(body, msg.body);
    li.appendChild(body);

    // "#latest" (where a sent reply lands) follows the newest message.
    var latest = document.getElementById("latest");
    if (latest) { latest.removeAttribute("id"); }
    li.id = "latest";
    list.appendChild(li);
  }

  // The member's page before the team first wrote has no reply form (nothing to answer yet):
  // once a message from the team arrives, offer the link that loads the page with the form.
  // The card with words kept from a refused attempt stays, so they can still be copied.
  function offerReply() {
    var offer = document.getElementById("reply-offer");
    if (!offer || !offer.hidden) { return; }
    offer.hidden = false;
    var card = document.getElementById("no-conversation-card");
    if (card && !document.getElementById("reply-kept")) { card.hidden = true; }
    var refused = document.getElementById("reply-error");
    if (refused) { refused.hidden = true; }
  }

  // The oldest message shown as "not read yet" (0 for none: the member's page has none).
  function oldestUnread() {
    var oldest = 0;
    var unread = list.querySelectorAll('li[data-read="no"]');
    for (var i = 0; i < unread.length; i++) {
      var id = parseInt(unread[i].getAttribute("data-id") || "0", 10) || 0;
      if (id > 0 && (oldest === 0 || id < oldest)) { oldest = id; }
    }
    return oldest;
  }

  // Say once, politely, that the member has read the team's message(s): the alert page's own
  // status line (role="status"), not the list, so the message is not read out again. A fresh
  // node each time, so a later read is announced even when the words are the same; nothing is
  // said when a poll changes no label, so polling never repeats it.
  var readStatus = document.getElementById("conversation-read-status");
  function announceRead(count) {
    if (!readStatus || count < 1) { return; }
    var text = readStatus.getAttribute(count > 1 ? "data-many" : "data-one") || "";
    if (!text) { return; }
    while (readStatus.firstChild) { readStatus.removeChild(readStatus.firstChild); }
    var line = document.createElement("span");
    line.textContent = text;
    readStatus.appendChild(line);
  }

  // The member has read messages shown as "not read yet": change that label's text node only.
  // The list announces additions (aria-relevant="additions"); new text in an existing node is
  // not one, so the message is not read out again (a screen reader that announces text
  // changes anyway says the label alone, not the message); announceRead says it once.
  function markRead(ids, label) {
    if (!label) { return; }
    var changed = 0;
    (ids || []).forEach(function (id) {
      if (typeof id !== "number") { return; }
      var li = list.querySelector('li[data-id="' + id + '"][data-read="no"]');
      if (!li) { return; }
      changed += 1;
      li.setAttribute("data-read", "yes");
      var el = li.querySelector(".safety-message-read");
      if (el && el.firstChild && el.firstChild.nodeType === 3 && !el.firstChild.nextSibling) {
        el.firstChild.data = label;
      } else if (el) {
        el.textContent = label;
      }
      // The member is there and reading: an answer may follow, so keep asking often.
      lastNews = Date.now();
    });
    announceRead(changed);
  }

  function receive(data) {
    markRead(data.read, data.read_label);
    var fromTeam = false;
    (data.messages || []).forEach(function (msg) {
      if (typeof msg.id !== "number") { return; }
      if (msg.id > after) { after = msg.id; }
      if (list.querySelector('[data-id="' + msg.id + '"]')) { return; }
      render(msg);
      lastNews = Date.now();
      if (msg.from_team) { fromTeam = true; }
    });
    if (fromTeam) { offerReply(); }
  }

  function poll() {
    timer = null;
    if (busy || stopped || document.hidden) { return; }
    busy = true;
    var next = null;
    var query = "?after=" + encodeURIComponent(String(after));
    var unread = oldestUnread();
    if (unread > 0) { query += "&unread=" + encodeURIComponent(String(unread)); }
    fetch(url + query, {
      credentials: "same-origin",
      cache: "no-store",
      // A redirect (to sign in, or to set up two-factor authentication) is not an answer.
      redirect: "manual",
      headers: {"Accept": "application/json"}
    })
      .then(function (r) {
        if (r.type === "opaqueredirect" || r.status === 401 || r.status === 403 ||
            r.status === 404) {
          stop();
          return null;
        }
        if (r.status === 429) {
          var wait = parseInt(r.headers.get("Retry-After") || "", 10);
          throw {retryMs: (wait > 0 ? wait : 60) * 1000};
        }
        if (!r.ok) { throw {}; }
        return r.json();
      })
      .then(function (data) {
        if (!data) { return; }
        if (failures > 0) { say("live"); }
        failures = 0;
        receive(data);
        next = data.more ? 0 : delay();
      })
      .catch(function (err) {
        // Offline for a moment, a server error or too many requests: wait longer each time.
        failures += 1;
        if (failures > 1) { say("paused"); }
        next = (err && err.retryMs) || Math.min(FAST * Math.pow(2, failures), MAX_BACKOFF);
      })
      .then(function () {
        busy = false;
        if (next !== null) { schedule(next); }
      });
  }

  // Ask only while the page is seen (what is delivered counts as read); at once on return.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else if (!busy) {
      schedule(0);
    }
  });
  window.addEventListener("online", function () { if (!busy) { schedule(0); } });

  say("live");
  schedule(delay());
})();
