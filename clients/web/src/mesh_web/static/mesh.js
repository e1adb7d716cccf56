// Enhancements only: every page works without this file.
// - After a failed submit, focus the error summary (its autofocus does it too where browsers honour it).
// - After an enhanced (htmx) update, move focus to the region that changed, so a screen reader reads it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.detail && event.detail.target;
    if (region && !region.isConnected && region.id) { region = document.getElementById(region.id); }  // outerHTML swap
    if (!region || region.hasAttribute("data-no-focus")) { return; }
    var focusable = region.querySelector("[data-focus-after-update]") || region;
    if (!focusable.hasAttribute("tabindex")) { focusable.setAttribute("tabindex", "-1"); }
    focusable.focus();
  });
})();
