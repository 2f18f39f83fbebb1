// Suggestions on a form, from this device, for the person to confirm or change; without
// JavaScript nothing is chosen for them.
// - A time zone select marked data-guess-zone="X" still shows the default X that nobody
//   chose: select this device's zone (or the listed zone its old name links to).
// - A country select marked data-guess-country still on "" (none chosen): select the country
//   that zone lies in.
// The page gives the zone table as JSON in #zone-hints: {aliases: {old: listed},
// countries: {zone: ISO code}} (accounts.forms.zone_hints).
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!zone) return;
  var hints = { aliases: {}, countries: {} };
  var data = document.getElementById("zone-hints");
  if (data) {
    try {
      hints = JSON.parse(data.textContent);
    } catch (e) {
      /* keep the empty table: the exact zone name still works */
    }
  }

  function choose(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) {
        select.value = value;
        return true;
      }
    }
    return false;
  }

  var zones = document.querySelector("select[data-guess-zone]");
  if (zones && zones.value === zones.getAttribute("data-guess-zone")) {
    if (!choose(zones, zone) && hints.aliases[zone]) choose(zones, hints.aliases[zone]);
  }
  var countries = document.querySelector("select[data-guess-country]");
  if (countries && countries.value === "") {
    var code = hints.countries[zone] || hints.countries[hints.aliases[zone]];
    if (code) choose(countries, code);
  }
})();
