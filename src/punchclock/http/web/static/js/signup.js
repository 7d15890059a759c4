// Sign-up: a blank time zone becomes the browser's own.
"use strict";
const zone = document.getElementById("f-timezone");
if (zone && !zone.value) {
  try { zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep blank */ }
}
