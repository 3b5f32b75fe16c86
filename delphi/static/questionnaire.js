// Autosave for the questionnaire: posts the section form (with its CSRF token) as the panellist
// moves on, and says so in a polite live region. The plain form works without this script.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  var status = document.getElementById("autosave-status");
  var progress = document.getElementById("progress");
  if (!form || !status || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-autosave");
  var timer = null;
  var saving = false;
  var again = false;

  function save() {
    timer = null;
    if (saving) { again = true; return; }
    saving = true;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
                 headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        status.textContent = result.body.message ||
          (result.ok ? "Saved." : "Not saved. Use the Save draft button.");
        if (result.body.progress && progress) { progress.textContent = result.body.progress; }
        var sections = result.body.sections || {};
        Object.keys(sections).forEach(function (index) {
          var count = document.querySelector("[data-section-count='" + index + "']");
          if (count) { count.textContent = sections[index]; }
        });
      })
      .catch(function () {
        status.textContent = "Could not save automatically. Use the Save draft button.";
      })
      .then(function () {
        saving = false;
        if (again) { again = false; schedule(500); }
      });
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay);
  }

  form.addEventListener("change", function () { schedule(600); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { schedule(2000); }
  });
})();
