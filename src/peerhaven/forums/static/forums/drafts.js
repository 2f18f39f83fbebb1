// Autosave drafts of forum posts in this browser (progressive enhancement: the forms work
// without it). A form with data-draft-key keeps the text of its [data-draft] fields in
// localStorage while the person types and restores it when the page opens with those fields
// empty (after a closed tab, a crash, a lost connection). With data-draft-over (the edit form,
// which starts with the post's text) a kept draft also replaces what the server rendered.
//
// Submitting does not forget the draft: the post may still be refused, fail on the way or find
// its thread gone. Only a page the server marks with <span data-draft-sent="key"> (the page a
// stored post leads to) forgets it.
(function () {
  "use strict";
  var PREFIX = "peerhaven:draft:";
  function storage() {
    try { var s = window.localStorage; s.setItem(PREFIX + "test", "1"); s.removeItem(PREFIX + "test"); return s; }
    catch (e) { return null; }
  }
  var store = storage();
  if (!store) { return; }
  // First forget what the server has stored, so that it is not restored into the empty form
  // of the page the post led to.
  document.querySelectorAll("[data-draft-sent]").forEach(function (mark) {
    try { store.removeItem(PREFIX + mark.getAttribute("data-draft-sent")); } catch (e) { /* kept */ }
  });
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = PREFIX + form.getAttribute("data-draft-key");
    var fields = form.querySelectorAll("[data-draft]");
    var status = form.querySelector("[data-draft-status]");
    var over = form.hasAttribute("data-draft-over");
    var saved = {};
    try { saved = JSON.parse(store.getItem(key) || "{}") || {}; } catch (e) { saved = {}; }
    var kept = false;
    fields.forEach(function (field) {
      var name = field.getAttribute("data-draft");
      var text = typeof saved[name] === "string" ? saved[name] : "";
      if (!text) { return; }
      kept = true;
      // Never over something typed on this page; over the server's text only with data-draft-over.
      if (!field.value || (over && field.value === field.defaultValue)) { field.value = text; }
    });
    if (kept && status) { status.hidden = false; }
    var timer = null;
    function save() {
      var data = {}, any = false;
      fields.forEach(function (field) {
        data[field.getAttribute("data-draft")] = field.value;
        if (field.value) { any = true; }
      });
      try {
        if (any) { store.setItem(key, JSON.stringify(data)); } else { store.removeItem(key); }
        if (status) { status.hidden = !any; }
      } catch (e) { /* storage full: the draft simply is not kept */ }
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 400);
    });
    // Save the last keystrokes too (the timer may not have run): until the server says the
    // post is stored, this draft is the only copy.
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      save();
    });
  });
})();
