// Competition round player: countdown, autosave of each answer, and a count of page
// departures (kept for human review only). The page works without this script.
(function () {
  "use strict";
  var form = document.getElementById("round-form");
  if (!form) { return; }
  var token = form.querySelector("input[name=csrf_token]");
  var csrf = token ? token.value : "";
  var statusBox = document.getElementById("save-status");

  var clock = document.getElementById("countdown");
  if (clock && clock.dataset.deadline) {
    var end = Date.parse(clock.dataset.deadline);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 60) { clock.parentNode.classList.add("urgent"); }
      if (left === 0) { clearInterval(timer); }
    };
    var timer = setInterval(tick, 1000);
    tick();
  }

  var base = form.dataset.autosave;
  var seq = Date.now();
  function answerOf(box) {
    var type = box.dataset.type, inputs = box.querySelectorAll("input");
    if (type === "multiple") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    if (type === "single" || type === "truefalse") {
      var chosen = Array.prototype.find.call(inputs, function (i) { return i.checked; });
      if (!chosen) { return null; }
      return type === "truefalse" ? chosen.value === "true" : chosen.value;
    }
    return inputs[0] ? inputs[0].value : null;
  }
  if (base) {
    form.addEventListener("change", function (event) {
      var box = event.target.closest("[data-question]");
      if (!box) { return; }
      seq += 1;
      fetch(base + box.dataset.question, {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ answer: answerOf(box), seq: seq })
      }).then(function (resp) {
        if (statusBox) { statusBox.textContent = resp.ok ? "✓" : "!"; }
        return resp.ok ? resp.json() : null;
      }).then(function (body) {
        // the plain form's marker: an emptied field clears only the answer it saw
        var marker = form.querySelector("input[name='q" + box.dataset.question + "-seen']");
        if (marker && body && body.saved !== false && body.saved_at) {
          marker.value = body.saved_at;
        }
      }).catch(function () { if (statusBox) { statusBox.textContent = "!"; } });
    });
  }

  var leaveUrl = form.dataset.leave;
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden" || submitting || !leaveUrl) { return; }
    var data = new FormData();
    data.append("csrf_token", csrf);
    if (navigator.sendBeacon) { navigator.sendBeacon(leaveUrl, data); }
  });
})();
