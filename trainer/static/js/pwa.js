/* The installable web app: register the service worker (sw.js, from the site's root) and
   send practice answers given offline once the connection returns: the answers of an
   attempt page (quiz.js queues them in localStorage under "gt-offline-answers") and the
   practices answered offline from the pack (offline-practice.js, "gt-offline-practice").
   Without this script nothing changes. */
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

  // Offline practices: one POST each, sent once finished (or left for half an hour), with
  // this page's CSRF token (the session's). The server records each once by its id, so a
  // practice sent twice (a lost response) is harmless; it is dropped once answered 200 or
  // refused as malformed (422), kept on a network failure, a 5xx, a login or CSRF refusal.
  var PRACTICE = "gt-offline-practice", LEFT_MS = 30 * 60 * 1000;
  function practices() {
    try { return JSON.parse(window.localStorage.getItem(PRACTICE) || "[]"); } catch (e) { return []; }
  }
  function keepPractices(items) {
    try {
      if (items.length) { window.localStorage.setItem(PRACTICE, JSON.stringify(items)); }
      else { window.localStorage.removeItem(PRACTICE); }
    } catch (e) { /* kept as it was */ }
  }
  var sendingPractice = false;
  function flushPractice() {
    var token = document.querySelector("input[name=csrf_token]");
    var all = practices();
    var ready = all.filter(function (p) {
      return p.url && p.answers.length && (p.done || Date.now() - (p.at || 0) > LEFT_MS);
    });
    if (sendingPractice || !ready.length || !token || !window.fetch) { return; }
    sendingPractice = true;
    ready.forEach(function (p) { p.sealed = true; });  // no answer is added to one being sent
    keepPractices(all);
    var sent = [], online = true;
    var chain = Promise.resolve();
    ready.forEach(function (p) {
      chain = chain.then(function () {
        return window.fetch(p.url, {
          method: "POST", credentials: "same-origin", redirect: "manual",
          headers: {"Content-Type": "application/json", "Accept": "application/json",
                    "X-CSRFToken": token.value},
          body: JSON.stringify({client_id: p.id, answers: p.answers})
        }).then(function (resp) {
          if (resp.status === 200 || resp.status === 422) { sent.push(p.id); }
        }).catch(function () { online = false; });
      });
    });
    chain.then(function () {
      keepPractices(practices().filter(function (p) { return sent.indexOf(p.id) < 0; }));
      sendingPractice = false;
      window.dispatchEvent(new CustomEvent("gt-practice-synced", {detail: {online: online}}));
    });
  }

  window.addEventListener("online", function () { flush(); flushPractice(); });
  window.addEventListener("gt-practice-queued", flushPractice);
  flush();
  flushPractice();
}());
