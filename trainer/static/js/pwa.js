/* The installable web app: register the service worker (sw.js, from the site's root) and
   send practice answers given offline once the connection returns (quiz.js queues them in
   localStorage under "gt-offline-answers"). Without this script nothing changes. */
(function () {
  "use strict";
  var me = document.getElementById("pwa");
  if ("serviceWorker" in navigator && me) {
    navigator.serviceWorker.register(me.getAttribute("data-sw"), {scope: "/"})
      .catch(function () { return null; });
  }
  var KEY = "gt-offline-answers";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }

  function store(items) {
    try {
      if (items.length) { window.localStorage.setItem(KEY, JSON.stringify(items)); }
      else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage full or refused: the answers stay on the page */ }
  }

  var sending = false;
  function flush() {
    var items = load();
    if (sending || !items.length || !window.fetch || navigator.onLine === false) { return; }
    sending = true;
    var left = [];
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        return window.fetch(item.url, {
          method: "PUT", credentials: "same-origin", redirect: "manual",
          headers: {"Content-Type": "application/json", "Accept": "application/json",
                    "X-CSRFToken": item.csrf},
          body: JSON.stringify({answer: item.answer, seq: item.seq})
        }).then(function (resp) {
          // kept for later only when the network or the server failed; a refusal (closed
          // attempt, withdrawn question, logged out) drops it
          if (resp.status >= 500) { left.push(item); }
        }).catch(function () { left.push(item); });
      });
    });
    chain.then(function () {
      var now = load().filter(function (i) {
        return !items.some(function (sent) { return sent.url === i.url && sent.seq === i.seq; });
      });
      store(left.concat(now));
      sending = false;
    });
  }

  window.addEventListener("online", flush);
  flush();
}());
