// Signing out forgets what this browser kept for the person: unsent forum drafts live in
// localStorage, and on a shared device (a library, a family computer) the next person must
// not find them.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-sign-out")) return;
    try {
      var store = window.localStorage;
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key.indexOf("peerhaven:draft") === 0) store.removeItem(key);
      }
    } catch (e) { /* storage unavailable: nothing was kept */ }
  });
})();
