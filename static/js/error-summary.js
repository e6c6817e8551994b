/* GOV.UK's error pattern: after a failed submit, focus moves to the error summary at the top of the page, so
 * that a screen reader reads out what went wrong and a keyboard user starts from the list of problems.
 * Without JavaScript the summary is still the first thing under the heading and the title starts with "Error:". */
(function () {
  "use strict";

  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  if (!summary.hasAttribute("tabindex")) {
    summary.setAttribute("tabindex", "-1");
  }
  summary.focus();
})();
