// Small behaviours on top of htmx; the pages work without them.
(function () {
  "use strict";

  // After htmx swaps in new results, move focus to their heading so keyboard and
  // screen-reader users land on what changed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var focusTarget = event.detail.target.querySelector("[data-focus-after-swap]");
    if (focusTarget && event.detail.requestConfig && event.detail.requestConfig.elt &&
        event.detail.requestConfig.elt.tagName === "A") {
      focusTarget.focus();
    }
  });
})();
