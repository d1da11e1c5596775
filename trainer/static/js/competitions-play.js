// Competition round pages: a count of page departures (kept for human review only). A quiz
// round's answers, navigator, countdown and flags are quiz.js's, like a quiz attempt's.
// The pages work without this script.
(function () {
  "use strict";
  var form = document.getElementById("round-form") || document.getElementById("quiz-form");
  if (!form || !form.dataset.leave) { return; }
  var token = form.querySelector("input[name=csrf_token]");
  var csrf = token ? token.value : "";
  var leaveUrl = form.dataset.leave;
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden" || submitting) { return; }
    var data = new FormData();
    data.append("csrf_token", csrf);
    if (navigator.sendBeacon) { navigator.sendBeacon(leaveUrl, data); }
  });
})();
