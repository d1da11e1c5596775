/* Attempt page: autosave each answer, countdown, "not saved" warning, leave warning.
   The page works without this script: the form posts every answer.
   A save answers 200 with saved:false when the server kept a newer answer to that
   question (a higher seq, saved from another tab or device): ours was NOT stored, so the
   question stays marked "not saved" until it is answered again (or the page reloaded). */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch) { return; }
  var data = form.dataset;
  var statusEl = document.getElementById("quiz-status");
  var pending = {};   // question id -> {answer, seq} waiting to be sent
  var inflight = {};  // question id -> {answer, seq} being sent
  var seqs = {};      // question id -> last seq used (or seen stored)
  var stale = {};     // question id -> true while a newer answer from elsewhere is stored
  var timers = {};
  var retryDelay = 2000;
  var retryTimer = null;
  var leaving = false;
  var closed = false;

  function show(kind) {
    statusEl.textContent = data["msg" + kind] || "";
    statusEl.className = "quiz-status quiz-" + kind.toLowerCase();
  }

  function unsaved() {
    return Object.keys(pending).length + Object.keys(inflight).length +
      Object.keys(stale).length;
  }

  // A seq above anything stored, also across reloads and devices: the page carries the
  // stored seq and the clock moves on.
  function nextSeq(qid) {
    var seq = Math.max(Date.now(), (seqs[qid] || 0) + 1);
    seqs[qid] = seq;
    return seq;
  }

  function answerOf(fieldset) {
    var type = fieldset.getAttribute("data-type");
    var inputs = fieldset.querySelectorAll("input:not([type=hidden])");
    var i, picked = [];
    if (type === "short" || type === "numerical") {
      var text = inputs[0].value.trim();
      return text === "" ? null : text;
    }
    for (i = 0; i < inputs.length; i += 1) {
      if (inputs[i].checked) { picked.push(inputs[i].value); }
    }
    if (type === "multiple") { return picked; }
    if (!picked.length) { return null; }
    return type === "truefalse" ? picked[0] === "true" : picked[0];
  }

  // Whether the stored answer is the one we sent (numbers come back as numbers, an empty
  // choice of boxes as null).
  function same(stored, sent) {
    if (Array.isArray(sent) && !sent.length) { sent = null; }
    if (typeof stored === "number" && typeof sent === "string") {
      return Number(sent) === stored;
    }
    return JSON.stringify(stored) === JSON.stringify(sent);
  }

  // The marker the plain form sends: an emptied field clears only the answer it saw.
  function seen(qid, savedAt) {
    var marker = form.querySelector("input[name='q" + qid + "-seen']");
    if (marker && savedAt) { marker.value = savedAt; }
  }

  function stored(qid, item, body) {
    retryDelay = 2000;
    seqs[qid] = Math.max(seqs[qid] || 0, Number(body.seq) || 0);
    if (body.saved === false && !same(body.answer, item.answer)) {
      stale[qid] = true;
      mark(qid, true);
      show("Stale");
      if (pending[qid]) { send(qid); }
      return;
    }
    delete stale[qid];
    seen(qid, body.saved_at);
    mark(qid, false);
    if (pending[qid]) { send(qid); }
    else if (Object.keys(stale).length) { show("Stale"); }
    else if (!unsaved()) { show("Saved"); }
  }

  function mark(qid, failedNow) {
    var fieldset = document.getElementById("q" + qid);
    if (fieldset) { fieldset.classList.toggle("quiz-unsaved", failedNow); }
  }

  function scheduleRetry() {
    if (retryTimer || closed) { return; }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      Object.keys(pending).forEach(send);
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function failed(qid, item, kind) {
    if (!pending[qid]) { pending[qid] = item; }
    mark(qid, true);
    show(kind);
    if (kind === "Failed") { scheduleRetry(); }
  }

  function send(qid) {
    if (inflight[qid] || !pending[qid] || closed) { return; }
    var item = pending[qid];
    delete pending[qid];
    inflight[qid] = item;
    show("Saving");
    window.fetch(data.saveUrl.replace(/\/0$/, "/" + qid), {
      method: "PUT", credentials: "same-origin", redirect: "manual",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": data.csrf},
      body: JSON.stringify({answer: item.answer, seq: item.seq})
    }).then(function (resp) {
      if (resp.ok) {
        return resp.json().then(function (body) {
          delete inflight[qid];
          stored(qid, item, body);
        });
      }
      delete inflight[qid];
      if (resp.type === "opaqueredirect" || resp.status === 401) {
        failed(qid, item, "Login");
      } else if (resp.status === 409) {
        closed = true;
        failed(qid, item, "Closed");
      } else {
        failed(qid, item, "Failed");
      }
    }).catch(function () {
      delete inflight[qid];
      queueOffline(qid, item);
      failed(qid, item, "Failed");
    });
  }

  // Practice only: an answer the network failed to take is also kept in localStorage, so
  // pwa.js sends it when the connection returns even if this page is closed by then.
  function queueOffline(qid, item) {
    if (data.offlineQueue !== "1" || !window.localStorage) { return; }
    var url = data.saveUrl.replace(/\/0$/, "/" + qid);
    try {
      var items = JSON.parse(window.localStorage.getItem("gt-offline-answers") || "[]")
        .filter(function (i) { return i.url !== url; });
      items.push({url: url, answer: item.answer, seq: item.seq, csrf: data.csrf});
      window.localStorage.setItem("gt-offline-answers", JSON.stringify(items));
    } catch (e) { /* storage refused: the page still retries while open */ }
  }

  function changed(event, delay) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) { return; }
    var qid = fieldset.getAttribute("data-question");
    pending[qid] = {answer: answerOf(fieldset), seq: nextSeq(qid)};
    if (!closed && statusEl.className.indexOf("quiz-failed") < 0) { show("Saving"); }
    window.clearTimeout(timers[qid]);
    timers[qid] = window.setTimeout(function () { send(qid); }, delay);
  }

  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-question]"), function (f) {
    seqs[f.getAttribute("data-question")] = Number(f.getAttribute("data-seq")) || 0;
  });
  form.addEventListener("change", function (event) { changed(event, 0); });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") { changed(event, 800); }
  });
  window.addEventListener("online", function () {
    retryDelay = 2000;
    Object.keys(pending).forEach(send);
  });
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.value === "submit" && !window.confirm(data.msgConfirm)) {
      event.preventDefault();
      return;
    }
    leaving = true;  // the form itself carries every answer
  });
  window.addEventListener("beforeunload", function (event) {
    if (!leaving && unsaved()) {
      event.preventDefault();
      event.returnValue = data.msgLeave;
      return data.msgLeave;
    }
    return undefined;
  });

  var countdown = document.getElementById("quiz-countdown");
  if (countdown) {
    var deadline = Date.parse(countdown.getAttribute("data-deadline"));
    var skew = Date.parse(countdown.getAttribute("data-now")) - Date.now();
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      countdown.textContent = (h ? h + ":" : "") + (h && m < 10 ? "0" : "") + m + ":" +
        (s < 10 ? "0" : "") + s;
      countdown.classList.toggle("quiz-low", left < 60);
      if (left === 0) {
        countdown.textContent = countdown.getAttribute("data-msg-over");
        window.clearInterval(timer);
        var action = document.createElement("input");
        action.type = "hidden"; action.name = "action"; action.value = "submit";
        form.appendChild(action);
        leaving = true;
        form.submit();
      }
    };
    var timer = window.setInterval(tick, 1000);
    tick();
  }
}());
