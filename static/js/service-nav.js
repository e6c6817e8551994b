/* The main navigation on a phone: the links fold behind a "Menu" button, so that a page starts with its own
 * content rather than a third of a screen of links. Without JavaScript, or on a wider screen, the links show
 * as they are. The button says whether the links are shown (aria-expanded) and which list it opens. */
(function () {
  "use strict";

  var toggle = document.querySelector(".service-nav-toggle");
  var links = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!links || !window.matchMedia) {
    return;
  }
  var phone = window.matchMedia("(max-width: 40em)");

  function show(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    links.hidden = !open;
  }

  function fit() {
    toggle.hidden = !phone.matches;
    show(!phone.matches);
  }

  toggle.addEventListener("click", function () {
    show(toggle.getAttribute("aria-expanded") !== "true");
  });
  if (phone.addEventListener) {
    phone.addEventListener("change", fit);
  } else {
    phone.addListener(fit);
  }
  fit();
})();
