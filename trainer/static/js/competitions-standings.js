// Standings page: refresh the table every few seconds from its HTML fragment (the same
// rows, rules and freeze as the page; the session cookie authenticates the request).
// Without this script the page is complete; the projector view uses a meta refresh.
(function () {
  "use strict";
  var box = document.getElementById("standings-live");
  if (!box || !box.dataset.liveUrl || !window.fetch) { return; }
  var seconds = Math.max(5, parseInt(box.dataset.liveSeconds, 10) || 20);
  var busy = false;

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(box.dataset.liveUrl, {credentials: "same-origin", cache: "no-store",
                                headers: {"Accept": "text/html"}})
      .then(function (resp) {
        // A redirect (signed out) or an error leaves the table as it is.
        if (!resp.ok || resp.redirected) { return null; }
        return resp.text();
      })
      .then(function (html) {
        if (html !== null && html !== box.innerHTML) { box.innerHTML = html; }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { busy = false; });
  }

  setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { refresh(); }
  });
}());
