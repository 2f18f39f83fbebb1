// Reach out with a template: choosing one puts its words (as the member would read them, from
// the previews the page prints under the form) into Title and Message, to read and change
// before sending. Words the moderator typed are never overwritten; choosing "(write my own)"
// empties only what a template filled in. Without JavaScript the previews are on the page.
(function () {
  "use strict";
  var form = document.getElementById("outreach-form");
  if (!form) { return; }
  var select = form.querySelector('select[name="template"]');
  var title = form.querySelector('input[name="title"]');
  var body = form.querySelector('textarea[name="body"]');
  var status = document.getElementById("outreach-template-status");
  if (!select || !title || !body) { return; }
  var filled = { title: "", body: "" };

  function words(id) {
    var preview = document.querySelector('details[data-template="' + id + '"]');
    if (!preview) { return null; }
    var t = preview.querySelector(".template-title");
    var b = preview.querySelector(".template-source");
    return { title: t ? t.textContent : "", body: b ? b.textContent : "" };
  }

  function untouched() {
    return (title.value === "" || title.value === filled.title) &&
      (body.value === "" || body.value === filled.body);
  }

  select.addEventListener("change", function () {
    var chosen = select.value ? words(select.value) : { title: "", body: "" };
    if (!chosen) { return; }
    if (!untouched()) {
      if (status) { status.textContent = status.getAttribute("data-kept") || ""; }
      return;
    }
    title.value = chosen.title;
    body.value = chosen.body;
    filled = chosen;
    if (status) { status.textContent = ""; }
  });
})();
