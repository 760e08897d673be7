// Small behaviours on top of htmx; every page works without them.
(function () {
  "use strict";

  // After htmx swaps in new directory results from a pagination link, move focus
  // to their heading so keyboard and screen-reader users land on what changed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    var heading = document.querySelector("[data-focus-after-swap]");
    if (heading && trigger && (trigger.tagName === "A" || trigger.tagName === "BUTTON")) {
      heading.focus();
    }
  });

  // Type-ahead over the questionnaire's services: hide those whose name does not
  // contain what was typed, and categories left empty. Without JavaScript the whole
  // grouped list shows, and the filter box stays hidden.
  function setUpServiceFilter() {
    var box = document.querySelector("[data-service-filter]");
    if (!box || !box.hidden) {
      return;
    }
    box.hidden = false;
    var input = box.querySelector("input");
    var status = box.querySelector("[data-filter-status]");
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      var shown = 0;
      document.querySelectorAll("[data-service-group]").forEach(function (group) {
        var inGroup = 0;
        group.querySelectorAll("[data-service-option]").forEach(function (option) {
          var match = !wanted || option.textContent.toLowerCase().indexOf(wanted) !== -1;
          option.hidden = !match;
          inGroup += match ? 1 : 0;
        });
        group.hidden = inGroup === 0;
        shown += inGroup;
      });
      status.textContent = wanted ? shown + (shown === 1 ? " service matches" : " services match") : "";
    });
  }
  document.addEventListener("DOMContentLoaded", setUpServiceFilter);
  document.addEventListener("htmx:afterSettle", setUpServiceFilter);

  // A form that came back with errors: take the focus to the summary of what to fix,
  // so a keyboard or screen-reader user starts from there.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus();
    }
  });

  // A form submits once: the button is disabled while the request is in flight.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-disable-on-submit")) {
      return;
    }
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    // form.elements includes buttons outside the form that name it with form="…".
    Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit";
    }).forEach(function (button) {
      button.dataset.label = button.textContent;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      button.textContent = "Working…";
    });
  });

  // Forms restored from the back/forward cache must be usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting=true]").forEach(function (form) {
      form.dataset.submitting = "false";
      Array.prototype.filter.call(form.elements, function (element) {
        return element.type === "submit";
      }).forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = button.dataset.label;
      });
    });
  });

  // "Copy link" on a recommendation.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var field = document.querySelector(button.dataset.copyTarget);
    var status = document.querySelector("[data-copy-status]");
    var done = function () {
      if (status) {
        status.textContent = button.dataset.copiedText;
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
      });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
})();
