// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  function csrfToken() {
    return document.body ? document.body.getAttribute("data-csrf-token") || "" : "";
  }

  // htmx requests carry the CSRF token as a header (forms carry it as a hidden field too).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  // After a swap, move focus to the element that asks for it (a message or the new region),
  // so keyboard and screen reader users learn what changed.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt || document;
    var target = root.querySelector ? root.querySelector("[data-focus-after-swap]") : null;
    if (!target && root.hasAttribute && root.hasAttribute("data-focus-after-swap")) {
      target = root;
    }
    if (target) {
      if (!target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });
})();
