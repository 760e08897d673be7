// The service form's "How the advisor classifies it": as an editor changes the type or
// a typical answer, ask the admin (advisor/admin.py, classify_view) for the verdict and
// score the advisor gives the profile, and whether they agree with the type.
(function () {
  "use strict";

  var WAITING = "Answer all nine questions to see how the advisor classifies the profile.";

  document.addEventListener("DOMContentLoaded", function () {
    var output = document.getElementById("profile-classification");
    if (!output) {
      return;
    }
    var form = output.closest("form");
    var names = output.dataset.fields.split(" ");
    var timer = null;
    var controller = null;

    function show(text, contradicts) {
      output.textContent = text;
      output.classList.toggle("contradicts", contradicts);
    }

    function update() {
      var data = new FormData(form);
      var query = new URLSearchParams();
      var complete = names.every(function (name) {
        var value = data.get(name);
        query.set(name, value || "");
        return name === "process_type" || Boolean(value);
      });
      if (!complete) {
        show(WAITING, false);
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      fetch(output.dataset.url + "?" + query.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (body) {
          show(body.text || body.error, Boolean(body.contradicts));
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            show("The classification could not be fetched; saving still checks it.", false);
          }
        });
    }

    form.addEventListener("change", function (event) {
      if (names.indexOf(event.target.name) !== -1) {
        clearTimeout(timer);
        timer = setTimeout(update, 150);
      }
    });
    // A form shown again after an error holds answers that are not yet saved.
    update();
  });
})();
