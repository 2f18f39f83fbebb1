// Live moderation queue: new and changed alerts arrive over a WebSocket. Without JavaScript
// the queue still works; reload the page to see new alerts.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var body = document.getElementById("queue-body");
  if (!status || !body || !("WebSocket" in window)) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + status.getAttribute("data-ws");
  var retry = 1000;

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function show(alert, kind) {
    var row = body.querySelector('tr[data-alert="' + alert.id + '"]');
    if (alert.status === "resolved") {
      if (row) { row.remove(); }
      return;
    }
    var fresh = document.createElement("tr");
    fresh.setAttribute("data-alert", String(alert.id));
    fresh.className = "level-" + alert.level + " live-new";
    var first = document.createElement("td");
    var link = document.createElement("a");
    link.href = "/moderation/alerts/" + alert.id + "/";
    link.textContent = "#" + alert.id + " " + alert.source + " · " + alert.kind + " (" + kind + ")";
    first.appendChild(link);
    fresh.appendChild(first);
    fresh.appendChild(cell(alert.level));
    fresh.appendChild(cell(""));
    fresh.appendChild(cell(alert.status + (alert.assigned_to ? " · " + alert.assigned_to : "")));
    fresh.appendChild(cell(new Date(alert.sla_due_at).toLocaleTimeString()));
    fresh.appendChild(cell(""));
    if (row) { row.replaceWith(fresh); } else { body.insertBefore(fresh, body.firstChild); }
    if (kind === "created") {
      status.textContent = "New " + alert.level + " alert #" + alert.id + ".";
    }
  }

  var refusedWith = "";

  function connect() {
    var socket = new WebSocket(url);
    socket.onopen = function () { retry = 1000; status.textContent = "Live: new alerts appear here."; };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.alert) { show(data.alert, data.type); }
      if (data.type === "closed" && data.message) { refusedWith = data.message; }
    };
    socket.onclose = function (event) {
      // 44xx: no longer allowed (role, two-factor, session or a ban): stop and say why.
      if (event.code >= 4400 && event.code < 4500) {
        status.textContent = "Live updates stopped. " + (refusedWith || "Reload the page to continue.");
        return;
      }
      status.textContent = "Live updates paused; reconnecting…";
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
