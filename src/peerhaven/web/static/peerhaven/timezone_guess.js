// A time zone select marked data-guess-zone="X" still shows the default X that nobody chose:
// select this device's own zone instead, when the list has it. The person sees the choice
// before they save it; without JavaScript the default stays.
(function () {
  "use strict";
  var select = document.querySelector("select[data-guess-zone]");
  if (!select || select.value !== select.getAttribute("data-guess-zone")) return;
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) {
      select.value = zone;
      return;
    }
  }
})();
