// The progress page of a job: asks for its state every two seconds and updates the bar
// and the counts; reloads the page once the job has finished (to show the result or why
// it failed). Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-job-status");
  var bar = document.getElementById("job-bar");
  var count = document.getElementById("job-count");
  var state = document.getElementById("job-state");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { window.setTimeout(poll, 5000); return; }
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
        if (s.status === "running") { state.textContent = box.getAttribute("data-running"); }
        if (s.total) { bar.max = s.total; }
        bar.value = s.done;
        var text = (s.total ? box.getAttribute("data-of") : box.getAttribute("data-only"))
          .replace("{done}", s.done).replace("{total}", s.total);
        if (s.error_count) { text += " · " + box.getAttribute("data-errors").replace("{n}", s.error_count); }
        count.textContent = text;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
