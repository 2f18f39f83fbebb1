// Autosave drafts of forum posts in this browser (progressive enhancement: the forms work
// without it). A form with data-draft-key keeps the text of its [data-draft] fields in
// localStorage while the person types and restores it when the page opens with those fields
// empty (after a closed tab, a crash, a lost connection). With data-draft-over (the edit form,
// which starts with the post's text) a kept draft also replaces what the server rendered, but
// only when data-draft-base (a digest of the post's text on the server) is the one the draft
// started from: a post saved since (on another device) is not silently undone.
//
// A kept draft that cannot go into the field without replacing other words (the reply page
// opened with a quote, an edit whose post changed since, words the browser put back) is never
// overwritten: it moves to the "earlier drafts" of that form and is offered there (restore or
// discard) until the member chooses. Restoring swaps: what the member had in the field, if
// they wrote it, becomes an earlier draft in turn.
//
// Submitting does not forget the draft: the post may still be refused, fail on the way or find
// its thread gone. Only a page the server marks with <span data-draft-sent="key"> (the page a
// stored post leads to) forgets it. Earlier drafts are not the post that was stored: they stay.
(function () {
  "use strict";
  var PREFIX = "peerhaven:draft:";
  var EARLIER = "peerhaven:draft-earlier:";
  var BASE = "_base"; // not a field name: the server text the draft started from
  var EXCERPT_WORDS = 12;
  function storage() {
    try { var s = window.localStorage; s.setItem(PREFIX + "test", "1"); s.removeItem(PREFIX + "test"); return s; }
    catch (e) { return null; }
  }
  var store = storage();
  if (!store) { return; }
  function read(key, fallback) {
    try { var value = JSON.parse(store.getItem(key)); return value == null ? fallback : value; }
    catch (e) { return fallback; }
  }
  // First forget what the server has stored, so that it is not restored into the empty form
  // of the page the post led to.
  document.querySelectorAll("[data-draft-sent]").forEach(function (mark) {
    try { store.removeItem(PREFIX + mark.getAttribute("data-draft-sent")); } catch (e) { /* kept */ }
  });
  var offerCount = 0;
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var name = form.getAttribute("data-draft-key");
    var key = PREFIX + name;
    var earlierKey = EARLIER + name;
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-draft]"));
    var status = form.querySelector("[data-draft-status]");
    var offers = form.querySelector("[data-draft-offers]");
    var template = form.querySelector("template[data-draft-offer]");
    var over = form.hasAttribute("data-draft-over");
    var base = form.getAttribute("data-draft-base");

    function textOf(draft, field) {
      var text = draft && draft[field.getAttribute("data-draft")];
      return typeof text === "string" ? text : "";
    }
    function hasText(draft) {
      return fields.some(function (field) { return textOf(draft, field) !== ""; });
    }
    function current() {
      var data = {};
      fields.forEach(function (field) { data[field.getAttribute("data-draft")] = field.value; });
      if (base !== null) { data[BASE] = base; }
      return data;
    }
    function sameText(a, b) {
      return fields.every(function (field) { return textOf(a, field) === textOf(b, field); });
    }
    // The field holds only what the server rendered (no words of the member's on this page).
    function untouched() {
      return fields.every(function (field) { return field.value === field.defaultValue; });
    }
    // The draft can go into the form without replacing anything but an unchanged server text.
    function fits(draft) {
      var overOk = over && base !== null && draft[BASE] === base;
      return fields.every(function (field) {
        var text = textOf(draft, field);
        return !text || !field.value || field.value === text ||
          (overOk && field.value === field.defaultValue);
      });
    }
    function put(draft) {
      fields.forEach(function (field) {
        var text = textOf(draft, field);
        if (text) { field.value = text; }
      });
    }

    var earlier = read(earlierKey, []);
    if (!Array.isArray(earlier)) { earlier = []; }
    earlier = earlier.filter(hasText);
    function keepEarlier() {
      try {
        if (earlier.length) { store.setItem(earlierKey, JSON.stringify(earlier)); }
        else { store.removeItem(earlierKey); }
        return true;
      } catch (e) { return false; }
    }
    function setAside(draft) {
      if (earlier.some(function (one) { return sameText(one, draft); })) { return true; }
      earlier.unshift(draft);
      return keepEarlier();
    }

    var saved = read(key, {});
    var restored = false;
    if (saved && typeof saved === "object" && hasText(saved)) {
      if (fits(saved)) {
        put(saved);
        restored = true;
      } else if (setAside(saved)) {
        // Kept among the earlier drafts: the next keystroke may save this form's text.
        try { store.removeItem(key); } catch (e) { /* both kept */ }
      } else {
        // Could not be set aside (storage full): never save over it on this page.
        earlier.unshift(saved);
        form.setAttribute("data-draft-frozen", "");
      }
    }
    if (status) { status.hidden = !restored; }

    var timer = null;
    function save() {
      if (form.hasAttribute("data-draft-frozen")) { return; }
      var data = current();
      var any = hasText(data);
      try {
        if (any) { store.setItem(key, JSON.stringify(data)); } else { store.removeItem(key); }
        if (status) { status.hidden = !any; }
      } catch (e) { /* storage full: the draft simply is not kept */ }
    }

    function excerpt(draft) {
      var words = fields.map(function (field) { return textOf(draft, field); })
        .join(" ").split(/\s+/).filter(Boolean);
      var text = words.slice(0, EXCERPT_WORDS).join(" ");
      return words.length > EXCERPT_WORDS ? text + " …" : text;
    }
    function focusField() {
      var field = fields[fields.length - 1];
      if (field) { field.focus(); }
    }
    function choose(index, restore) {
      var draft = earlier[index];
      earlier.splice(index, 1);
      if (restore) {
        // What the member wrote here is not dropped either: it becomes an earlier draft.
        var mine = current();
        if (hasText(mine) && !untouched() && !sameText(mine, draft)) { earlier.unshift(mine); }
        fields.forEach(function (field) { field.value = textOf(draft, field); });
      }
      keepEarlier();
      form.removeAttribute("data-draft-frozen");
      if (restore) { save(); }
      showOffers();
      focusField();
    }
    function showOffers() {
      if (!offers || !template) { return; }
      offers.textContent = "";
      earlier.forEach(function (draft, index) {
        var offer = template.content.cloneNode(true);
        var words = offer.querySelector("[data-draft-excerpt]");
        var restore = offer.querySelector("[data-draft-restore]");
        var discard = offer.querySelector("[data-draft-discard]");
        offerCount += 1;
        if (words) {
          words.textContent = excerpt(draft);
          words.id = "draft-excerpt-" + offerCount;
          if (restore) { restore.setAttribute("aria-describedby", words.id); }
          if (discard) { discard.setAttribute("aria-describedby", words.id); }
        }
        if (restore) { restore.addEventListener("click", function () { choose(index, true); }); }
        if (discard) { discard.addEventListener("click", function () { choose(index, false); }); }
        offers.appendChild(offer);
      });
    }
    showOffers();

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
