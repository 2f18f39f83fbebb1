// Live moderation queue: new and changed alerts arrive over a WebSocket. Without JavaScript
// the queue still works; reload the page to see new alerts.
//
// A row that arrives live is drawn as the server draws one (safety/moderation/queue.html): the
// page's own labels (#live-queue-labels, in the moderator's language), the member's display
// name, the due time in the moderator's own time zone (not the browser's) as "HH:MM" in a
// <time datetime>, and for an open alert a working Acknowledge form with the page's CSRF token.
//
// A filtered page shows only the alerts its filters keep, live as after a reload: the server
// says what they keep (labels.filters, {field: values kept}, from queries.queue_filters, the
// definition the page's own rows were read with) and an alert is drawn only when each of those
// fields of the event is among them; this script knows no filter of its own. A new alert left
// out is counted in a polite note (#live-not-shown) with a link to the queue without filters,
// so no alert arrives unseen.
//
// While the page is hidden (another tab in front), a new imminent alert also shows in the
// tab's title, counted ("(2) Imminent alerts — Moderation queue · Peerhaven"), whatever the
// filters; the title is put back as soon as the page is visible again.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var body = document.getElementById("queue-body");
  var labelsNode = document.getElementById("live-queue-labels");
  if (!status || !body || !labelsNode || !("WebSocket" in window)) { return; }
  var labels = JSON.parse(labelsNode.textContent);
  var filters = labels.filters || {};
  var note = document.getElementById("live-not-shown");
  var notShown = {};  // ids of new alerts the filters left out (until one is drawn here)
  var notShownSaid = 0;
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + status.getAttribute("data-ws");
  var retry = 1000;

  function label(group, code) {
    return (labels[group] && labels[group][code]) || code;
  }

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  // "HH:MM" in the moderator's zone, as the server's {{ ...|time:"H:i" }} prints it.
  function dueTime(iso) {
    var parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: labels.time_zone || "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date(iso));
    var hour = "", minute = "";
    parts.forEach(function (p) {
      if (p.type === "hour") { hour = p.value; }
      if (p.type === "minute") { minute = p.value; }
    });
    return hour + ":" + minute;
  }

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.getAttribute("value") || input.value || "" : "";
  }

  function cell(text) {
    var td = document.createElement("td");
    if (text !== undefined) { td.textContent = text; }
    return td;
  }

  // Whether this page's filters keep the alert (see the top of this file).
  function kept(alert) {
    return Object.keys(filters).every(function (field) {
      return filters[field].indexOf(alert[field]) >= 0;
    });
  }

  // "1 open alert not shown by your filters. Clear filters", said once per change of the count.
  function sayNotShown() {
    var count = Object.keys(notShown).length;
    if (!note || count === notShownSaid) { return; }
    notShownSaid = count;
    note.textContent = "";
    if (!count) { return; }
    var pattern = count === 1 ? labels.not_shown_one : labels.not_shown_many;
    note.appendChild(document.createTextNode(fill(pattern, { count: count }) + " "));
    var clear = document.createElement("a");
    clear.href = labels.clear_url;
    clear.textContent = labels.clear_filters;
    note.appendChild(clear);
  }

  function show(alert, kind) {
    var row = body.querySelector('tr[data-alert="' + alert.id + '"]');
    if (!kept(alert)) {
      // Not (or no longer) on this page, as after a reload: e.g. resolved on the active queue.
      if (row) { row.remove(); }
      if (alert.status !== "open") {
        // Someone has it, or it is resolved: nothing left waiting unseen.
        if (notShown[alert.id]) { delete notShown[alert.id]; }
      } else if (kind === "created" || row || notShown[alert.id]) {
        // Open and nobody has it: new, or it left this page by changing (raised to imminent
        // on the ideation queue, say). Never gone without a word.
        notShown[alert.id] = true;
      }
      sayNotShown();
      return;
    }
    if (notShown[alert.id]) {
      delete notShown[alert.id];
      sayNotShown();
    }
    var open = alert.status === "open";
    var overdue = open && new Date(alert.sla_due_at).getTime() < Date.now();
    var fresh = document.createElement("tr");
    fresh.setAttribute("data-alert", String(alert.id));
    fresh.className = "level-" + alert.level + (overdue ? " overdue" : "") + " live-new";

    var first = cell();
    var link = document.createElement("a");
    link.href = fill(labels.alert_url, { id: alert.id });
    link.textContent = "#" + alert.id + " " + label("sources", alert.source) + " · " + alert.kind;
    first.appendChild(link);
    if (alert.held) {
      first.appendChild(document.createTextNode(" "));
      var badge = document.createElement("span");
      badge.className = "badge-role";
      badge.textContent = labels.held;
      first.appendChild(badge);
    }
    fresh.appendChild(first);
    fresh.appendChild(cell(label("levels", alert.level)));
    fresh.appendChild(cell(alert.member || labels.deleted_member));
    fresh.appendChild(cell(label("statuses", alert.status) +
      (alert.assigned_to ? " · " + alert.assigned_to : "")));

    var due = cell();
    var actions = cell();
    if (open) {
      var time = document.createElement("time");
      time.setAttribute("datetime", alert.sla_due_at);
      time.textContent = dueTime(alert.sla_due_at);
      due.appendChild(time);
      if (overdue) {
        due.appendChild(document.createTextNode(" "));
        var late = document.createElement("strong");
        late.textContent = labels.overdue;
        due.appendChild(late);
      }
      var form = document.createElement("form");
      form.setAttribute("method", "post");
      form.setAttribute("action", fill(labels.acknowledge_url, { id: alert.id }));
      var token = document.createElement("input");
      token.setAttribute("type", "hidden");
      token.setAttribute("name", "csrfmiddlewaretoken");
      token.setAttribute("value", csrfToken());
      form.appendChild(token);
      var button = document.createElement("button");
      button.setAttribute("type", "submit");
      button.textContent = labels.acknowledge;
      form.appendChild(button);
      actions.appendChild(form);
    }
    fresh.appendChild(due);
    fresh.appendChild(actions);

    var empty = body.querySelector("tr.queue-empty");
    if (empty) { empty.remove(); }
    if (row) { row.replaceWith(fresh); } else { body.insertBefore(fresh, body.firstChild); }
    if (kind === "created") {
      status.textContent = fill(labels.new_alert, {
        id: alert.id, level: label("levels", alert.level).toLowerCase()
      });
    }
  }

  // The tab title (see the top of this file). An alert counts when it arrives imminent and
  // open, or when an open one is raised to imminent (the event says so, and a level this page
  // saw lower counts too): the two cases the server pages the team for.
  var levels = {};  // alert id -> the level this page last saw it at
  var titleBefore = null;  // the page's own title while the count is shown
  var imminentUnseen = {};  // ids counted in the title

  body.querySelectorAll("tr").forEach(function (row) {
    var id = row.getAttribute("data-alert");
    var level = /(?:^|\s)level-(\w+)/.exec(row.className);
    if (id !== null && level) { levels[id] = level[1]; }
  });

  function countImminent(alert, kind) {
    var before = levels[alert.id];
    levels[alert.id] = alert.level;
    if (alert.level !== "imminent" || alert.status !== "open") { return; }
    // The server marks a raise (the page may never have drawn the alert: filtered out, or
    // not on its first page); a raise the page saw itself counts too.
    var raised = kind === "updated" &&
      (alert.raised_to_imminent === true || (before !== undefined && before !== "imminent"));
    if ((kind !== "created" && !raised) || !document.hidden || imminentUnseen[alert.id]) {
      return;
    }
    if (!labels.imminent_title_one) { return; }
    if (titleBefore === null) { titleBefore = document.title; }
    imminentUnseen[alert.id] = true;
    var count = Object.keys(imminentUnseen).length;
    var pattern = count === 1 ? labels.imminent_title_one : labels.imminent_title_many;
    document.title = fill(pattern, { count: count, title: titleBefore });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden || titleBefore === null) { return; }
    document.title = titleBefore;
    titleBefore = null;
    imminentUnseen = {};
  });

  var refusedWith = "";

  function connect() {
    var socket = new WebSocket(url);
    socket.onopen = function () { retry = 1000; status.textContent = "Live: new alerts appear here."; };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.alert) {
        countImminent(data.alert, data.type);
        show(data.alert, data.type);
      }
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
