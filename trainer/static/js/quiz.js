/* Attempt page: autosave each answer, the answered count and navigator, flags, the
   countdown, the "not saved" warning and the leave warning. The page works without this
   script: the form posts every answer, the flag and check buttons are form buttons.
   Saves go through one queue, one request at a time in the order the answers were given;
   a failed save stays at the head and is retried (with a growing delay) before anything
   after it, and each carries a seq so the server ignores an older one arriving late.
   A save answers 200 with saved:false when the server kept a newer answer to that
   question (a higher seq, saved from another tab or device): ours was NOT stored, so the
   question stays marked "not saved" until it is answered again (or the page reloaded). */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch) { return; }
  var data = form.dataset;
  var statusEl = document.getElementById("quiz-status");
  var countEl = document.getElementById("quiz-count");
  var queue = [];     // [{qid, answer, seq}] in the order given; the head may be in flight
  var busy = false;   // the head is being sent
  var seqs = {};      // question id -> last seq used (or seen stored)
  var stale = {};     // question id -> true while a newer answer from elsewhere is stored
  var timers = {};
  var retryDelay = 2000;
  var retryTimer = null;
  var leaving = false;
  var closed = false;
  var halted = "";    // why the queue waits ("Failed", "Login"), else ""

  function show(kind) {
    var text = data["msg" + kind] || "";
    if (kind !== "Saved" && kind !== "Saving" && data.msgUnsaved && unsaved()) {
      text += " " + data.msgUnsaved.replace("{n}", unsaved());
    }
    statusEl.textContent = text;
    statusEl.className = "quiz-status quiz-" + kind.toLowerCase();
  }

  function unsaved() {
    var qids = {};
    queue.forEach(function (item) { qids[item.qid] = true; });
    Object.keys(stale).forEach(function (qid) { qids[qid] = true; });
    return Object.keys(qids).length;
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

  function queued(qid) {
    return queue.some(function (item) { return item.qid === qid; });
  }

  function mark(qid, failedNow) {
    var fieldset = document.getElementById("q" + qid);
    if (fieldset) { fieldset.classList.toggle("quiz-unsaved", failedNow); }
  }

  function stored(item, body) {
    var qid = item.qid;
    retryDelay = 2000;
    seqs[qid] = Math.max(seqs[qid] || 0, Number(body.seq) || 0);
    if (body.saved === false && !same(body.answer, item.answer) && !queued(qid)) {
      stale[qid] = true;
      mark(qid, true);
    } else if (body.saved !== false || same(body.answer, item.answer)) {
      delete stale[qid];
      seen(qid, body.saved_at);
      mark(qid, false);
    }
  }

  function scheduleRetry() {
    if (retryTimer || closed) { return; }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      halted = "";
      pump();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function settle() {
    if (queue.length) { return; }
    if (Object.keys(stale).length) { show("Stale"); } else { show("Saved"); }
  }

  // Send the head of the queue; on success drop it and go on, on failure keep it.
  function pump() {
    if (busy || closed || halted || !queue.length) { settle(); return; }
    var item = queue[0];
    busy = true;
    show("Saving");
    window.fetch(data.saveUrl.replace(/\/0$/, "/" + item.qid), {
      method: "PUT", credentials: "same-origin", redirect: "manual",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": data.csrf},
      body: JSON.stringify({answer: item.answer, seq: item.seq})
    }).then(function (resp) {
      if (resp.ok) {
        return resp.json().then(function (body) {
          busy = false;
          queue.shift();
          stored(item, body);
          pump();
        });
      }
      busy = false;
      mark(item.qid, true);
      if (resp.type === "opaqueredirect" || resp.status === 401) {
        halted = "Login";
        show("Login");
      } else if (resp.status === 409) {
        closed = true;
        show("Closed");
      } else {
        queueOffline(item.qid, item);
        halted = "Failed";
        show("Failed");
        scheduleRetry();
      }
    }).catch(function () {
      busy = false;
      mark(item.qid, true);
      queueOffline(item.qid, item);
      halted = "Failed";
      show("Failed");
      scheduleRetry();
    });
  }

  function enqueue(qid, answer) {
    var seq = nextSeq(qid);
    var i;
    // an answer waiting behind the head is replaced in its place (the newest wins)
    for (i = busy ? 1 : 0; i < queue.length; i += 1) {
      if (queue[i].qid === qid) { queue[i] = {qid: qid, answer: answer, seq: seq}; return; }
    }
    queue.push({qid: qid, answer: answer, seq: seq});
  }

  function answered(fieldset) {
    var value = answerOf(fieldset);
    return value !== null && !(Array.isArray(value) && !value.length);
  }

  // The sticky bar's "answered x/N" and the navigator follow the page.
  function recount() {
    if (!countEl || !data.msgAnswered) { return; }
    var boxes = form.querySelectorAll("fieldset[data-question]");
    var total = Number(countEl.getAttribute("data-total")) || boxes.length;
    var done = total - boxes.length;  // checked questions show no fields
    Array.prototype.forEach.call(boxes, function (f) {
      var yes = answered(f);
      var link = document.getElementById("nav" + f.getAttribute("data-question"));
      if (yes) { done += 1; }
      if (link) {
        link.classList.toggle("is-answered", yes);
        link.classList.toggle("is-open", !yes);
      }
    });
    countEl.textContent = data.msgAnswered.replace("{x}", done).replace("{n}", total);
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
    recount();
    if (!closed && !halted) { show("Saving"); }
    window.clearTimeout(timers[qid]);
    timers[qid] = window.setTimeout(function () {
      enqueue(qid, answerOf(fieldset));
      pump();
    }, delay);
  }

  // A flag toggles in place: the plain form's own button, posted in the background.
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".quiz-flagbtn") : null;
    if (!button || !window.FormData) { return; }
    event.preventDefault();
    var body = new window.FormData(form);
    body.append("action", button.value);
    // getAttribute: form.action would be the buttons named "action"
    window.fetch(form.getAttribute("action"), {method: "POST", body: body,
                 credentials: "same-origin", redirect: "manual"}).then(function (resp) {
      if (resp.type !== "opaqueredirect" && !resp.ok) { form.submit(); return; }
      var on = button.getAttribute("aria-pressed") !== "true";
      var link = document.getElementById("nav" + button.value.split(":")[1]);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = button.getAttribute(on ? "data-on" : "data-off");
      if (link) { link.classList.toggle("is-flagged", on); }
    });
  });

  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-question]"), function (f) {
    seqs[f.getAttribute("data-question")] = Number(f.getAttribute("data-seq")) || 0;
  });
  form.addEventListener("change", function (event) { changed(event, 0); });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") { changed(event, 800); }
  });
  window.addEventListener("online", function () {
    retryDelay = 2000;
    if (halted === "Failed") { halted = ""; }
    pump();
  });
  form.addEventListener("submit", function () {
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
