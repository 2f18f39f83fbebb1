// Autosave drafts of forum posts in this browser (progressive enhancement: the forms work
// without it). A form with data-draft-key keeps the text of its [data-draft] fields in
// localStorage while the person types, restores it if the fields are empty when the page
// opens (after a closed tab or a crash), and forgets it when the form is submitted.
(function () {
  "use strict";
  var PREFIX = "peerhaven:draft:";
  function storage() {
    try { var s = window.localStorage; s.setItem(PREFIX + "test", "1"); s.removeItem(PREFIX + "test"); return s; }
    catch (e) { return null; }
  }
  var store = storage();
  if (!store) { return; }
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = PREFIX + form.getAttribute("data-draft-key");
    var fields = form.querySelectorAll("[data-draft]");
    var status = form.querySelector("[data-draft-status]");
    var saved = {};
    try { saved = JSON.parse(store.getItem(key) || "{}"); } catch (e) { saved = {}; }
    var restored = false;
    fields.forEach(function (field) {
      var name = field.getAttribute("data-draft");
      if (!field.value && saved[name]) { field.value = saved[name]; restored = true; }
    });
    if (restored && status) { status.hidden = false; }
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
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      store.removeItem(key);
    });
  });
})();
