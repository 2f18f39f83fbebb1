// Live-ish 1:1 messages: poll a JSON endpoint every few seconds and send without a page load.
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
  var busy = false;

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
    thread.appendChild(li);
    if (msg.id > after) { after = msg.id; }
  }

  function poll() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(url + "?after=" + after, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.messages.forEach(render);
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
  window.setInterval(poll, POLL_MS);
})();
