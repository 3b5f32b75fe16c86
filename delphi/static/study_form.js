// The study form: show only the settings of the chosen consensus rule, and that rule's
// explanation. Without this script every setting and explanation stays on the page.
(function () {
  "use strict";
  var rule = document.getElementById("consensus_rule");
  if (!rule) { return; }
  var parts = document.querySelectorAll("[data-rules]");

  function show() {
    parts.forEach(function (part) {
      var rules = part.getAttribute("data-rules").split(" ");
      // A setting with a problem to fix stays in view whatever the rule.
      part.hidden = rules.indexOf(rule.value) === -1 && !part.querySelector(".has-error");
    });
  }

  rule.addEventListener("change", show);
  show();
})();
