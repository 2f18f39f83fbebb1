// Live 1:1 messages: a WebSocket delivers new messages as they are sent; a JSON endpoint is
// polled as well (every 3 s without the socket, every 20 s with it) so nothing is ever missed.
// Sending goes through the normal form (fetch), so it is screened like every other text.
// Everything a person wrote is rendered with textContent, never as HTML.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  if (!thread) { return; }
  var url = thread.getAttribute("data-url");
  var after = parseInt(thread.getAttribute("data-after") || "0", 10);
  var form = document.getElementById("message-form");
  var errorBox = document.getElementById("message-error");
  var POLL_MS = 3000;
  var SOCKET_POLL_MS = 20000;
  var busy = false;
  var socketOpen = false;
  var lastPoll = 0;

  function render(msg) {
    if (thread.querySelector('[data-id="' + msg.id + '"]')) { return; }
    var empty = thread.querySelector(".empty");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    li.className = "msg" + (msg.mine ? " mine" : "");
    li.setAttribute("data-id", String(msg.id));
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = msg.sender;
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = msg.body;
    var time = document.createElement("time");
    time.setAttribute("datetime", msg.created_at);
    time.textContent = new Date(msg.created_at).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    li.appendChild(who);
    li.appendChild(body);
    li.appendChild(time);
    var atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
    thread.appendChild(li);
    // Follow the conversation unless the person scrolled up to read something older.
    if (atBottom || msg.mine) { thread.scrollTop = thread.scrollHeight; }
  }

  thread.scrollTop = thread.scrollHeight;

  function poll() {
    if (busy || document.hidden) { return; }
    if (socketOpen && Date.now() - lastPoll < SOCKET_POLL_MS) { return; }
    busy = true;
    lastPoll = Date.now();
    fetch(url + "?after=" + after, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        // Only the poll moves the cursor: a message pushed over the socket while an earlier one
        // was missed must not make the poll skip the earlier one.
        data.messages.forEach(function (msg) {
          render(msg);
          if (msg.id > after) { after = msg.id; }
        });
        // The form stays (with whatever was typed); sending will say why it cannot go.
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { busy = false; });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken")}
      })
        .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
        .then(function (res) {
          if (res.ok) {
            render(res.body.message);
            form.reset();
            errorBox.hidden = true;
          } else {
            errorBox.textContent = res.body.error.message;
            errorBox.hidden = false;
          }
        })
        .catch(function () { form.submit(); })
        .then(function () { button.disabled = false; });
    });
  }
  function connect(attempt) {
    var path = thread.getAttribute("data-ws");
    if (!path || !window.WebSocket) { return; }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try { socket = new WebSocket(scheme + location.host + path); } catch (e) { return; }
    socket.onopen = function () { socketOpen = true; attempt = 0; };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "message" && data.message) { render(data.message); }
      // The server closes with a reason (mentorship ended, signed out, suspended): say it.
      if (data.type === "closed" && data.message && errorBox) {
        errorBox.textContent = data.message;
        errorBox.hidden = false;
      }
    };
    socket.onclose = function (event) {
      socketOpen = false;
      // 44xx: not allowed (any more) — reconnecting would be refused again; polling goes on.
      if ((event.code >= 4400 && event.code < 4500) || attempt > 5) { return; }
      window.setTimeout(function () { connect(attempt + 1); }, 1000 * Math.pow(2, attempt));
    };
  }

  connect(0);
  window.setInterval(poll, POLL_MS);
})();
