// Two gaps in widgets that Django's admin draws with JavaScript, closed for screen
// readers (and axe-core): the search box select2 adds to a multiple autocomplete has
// no label, and the filter boxes' help icons carry aria-label without a role.
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function mend(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
      var container = field.closest(".select2-container");
      var select = container && container.previousElementSibling;
      if (select && select.tagName === "SELECT") {
        field.setAttribute("aria-label", "Search " + labelFor(select).toLowerCase());
      }
    });
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    mend(document);
    new MutationObserver(function () {
      mend(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
