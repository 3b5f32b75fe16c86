// Autosave for the questionnaire: posts the section form (with its CSRF token) as the panellist
// moves on, and says so in a polite live region. The plain form works without this script.
// Saves reach the server in the order they were made: a button that posts the form waits for an
// autosave still on its way, so an older autosave can never land after, and undo, newer answers.
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
  var posting = false;  // the form itself is being posted: no more autosaves from this page
  var afterSave = null;  // what to do once the autosave on its way has been answered

  function save() {
    timer = null;
    if (posting) { return; }
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
        if (afterSave) { afterSave(); return; }
        if (again) { again = false; schedule(500); }
      });
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay);
  }

  // A button posting the form (Save draft, the section buttons, Review and submit) while an
  // autosave is on its way: hold the post until the autosave is answered, or for 5 seconds at
  // most, then post the form as the last button pressed meanwhile would have.
  var submitter = null;
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (afterSave) { event.preventDefault(); submitter = event.submitter; return; }
    if (!saving || posting || !form.requestSubmit) { posting = true; return; }
    event.preventDefault();
    posting = true;
    submitter = event.submitter;
    var post = function () {
      if (!afterSave) { return; }
      afterSave = null;
      if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
    };
    afterSave = post;
    status.textContent = "Saving\u2026";
    setTimeout(post, 5000);
  });

  // Back to a page kept in the browser's memory: it autosaves again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { posting = false; afterSave = null; }
  });

  form.addEventListener("change", function () { schedule(600); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { schedule(2000); }
  });
})();
