/* Offline practice on the practice page: 「下载离线练习」 keeps a pack of questions with
   their keys and explanations on this phone (only questions nothing withholds, see
   trainer/quizzes/offline.py) and this page in the offline cache (sw.js); 「开始离线练习」
   then works with the network cut: each answer is judged at once against the pack and
   queued in localStorage ("gt-offline-practice") under a practice id made here; pwa.js
   sends the queue when the connection returns and the server grades it by its own key.
   Without JavaScript the section stays hidden and nothing else changes. */
(function () {
  "use strict";
  var box = document.getElementById("offline-practice");
  if (!box || !window.fetch || !window.localStorage || !window.JSON) { return; }
  var PACK = "gt-offline-pack", QUEUE = "gt-offline-practice", CACHE = "gt-offline-v1";
  var SESSION = 10, FRESH_MS = 3600 * 1000;
  var user = box.getAttribute("data-user");
  var statusEl = document.getElementById("offline-status");
  var infoEl = document.getElementById("offline-pack-info");
  var quizEl = document.getElementById("offline-quiz");
  var download = document.getElementById("offline-download");
  var start = document.getElementById("offline-start");
  var online = navigator.onLine !== false, synced = false;

  function t(name, values) {
    var text = box.getAttribute("data-t-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  function read(key, empty) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null") || empty; } catch (e) { return empty; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function pack() {
    var p = read(PACK, null);
    return p && String(p.user) === user && p.questions ? p : null;
  }
  function pending() {
    return read(QUEUE, []).filter(function (s) { return String(s.user) === user; })
      .reduce(function (n, s) { return n + s.answers.length; }, 0);
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show() {
    var p = pack(), n = pending();
    var parts = [online ? t("online") : t("offline")];
    if (n) { parts.push(t("pending", {n: n})); } else if (synced) { parts.push(t("synced")); }
    statusEl.textContent = parts.join(" · ");
    statusEl.className = "quiz-status " + (online && !n ? "quiz-saved" : "quiz-failed");
    infoEl.textContent = p ? t("saved", {n: p.questions.length,
      when: new Date(p.saved_at).toLocaleString("zh-CN", {month: "numeric", day: "numeric",
                                                           hour: "2-digit", minute: "2-digit"})})
      : t("none");
    start.disabled = !p || !p.questions.length;
  }

  function keepPage() {  // this page and what it loads, for the service worker to answer offline
    if (!window.caches) { return Promise.resolve(); }
    var urls = [window.location.pathname];
    Array.prototype.forEach.call(document.querySelectorAll("link[href], script[src]"), function (n) {
      var url = new URL(n.href || n.src, window.location.href);
      if (url.origin === window.location.origin) { urls.push(url.pathname + url.search); }
    });
    return window.caches.open(CACHE).then(function (cache) { return cache.addAll(urls); })
      .catch(function () { return null; });
  }

  function fetchPack(quiet) {
    download.disabled = true;
    return window.fetch(box.getAttribute("data-pack"), {credentials: "same-origin",
      redirect: "error", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (body) {
        online = true;
        write(PACK, {user: body.user_id, made_at: body.made_at, saved_at: Date.now(),
                     questions: body.questions, done: []});
        return keepPage();
      })
      .catch(function () { if (!quiet) { online = false; infoEl.textContent = t("failed"); } })
      .then(function () { download.disabled = false; show(); });
  }

  // One practice: up to SESSION questions of the pack, those not yet practised first.
  var session = null;

  function queueAnswer(q, answer) {
    var queue = read(QUEUE, []);
    var mine = queue.filter(function (s) { return s.id === session.id && !s.sealed; })[0];
    if (!mine) {  // new, or already being sent by pwa.js: the rest goes in a practice of its own
      session.id = newId();
      mine = {id: session.id, user: user, url: box.getAttribute("data-send"), answers: [], done: false};
      queue.push(mine);
    }
    mine.answers.push({question_id: q.id, version: q.version, answer: answer});
    mine.at = Date.now();
    mine.done = session.index + 1 >= session.items.length;
    write(QUEUE, queue);
    var p = pack();
    if (p) { p.done.push(q.id); write(PACK, p); }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function chosen(fieldset, q) {
    var picked = Array.prototype.filter.call(fieldset.querySelectorAll("input"), function (i) {
      return i.checked; }).map(function (i) { return i.value; });
    if (!picked.length) { return null; }
    if (q.type === "truefalse") { return picked[0] === "true"; }
    return q.type === "single" ? picked[0] : picked.sort();
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function keyText(q, value) {
    if (q.type === "truefalse") { return value ? t("true") : t("false"); }
    return [].concat(value).join("、");
  }

  function render() {
    var q = session.items[session.index];
    quizEl.textContent = "";
    var fs = el("fieldset", "quiz-q");
    fs.appendChild(el("legend", "", t("count", {i: session.index + 1, n: session.items.length})));
    var stem = el("div", "quiz-stem");
    stem.innerHTML = q.html;  // sanitised when the question was saved, as on every page
    fs.appendChild(stem);
    var list = el("ul", "quiz-options");
    var options = q.type === "truefalse" ? [{key: "true", label: t("true")}, {key: "false", label: t("false")}]
      : q.options;
    options.forEach(function (o) {
      var li = el("li"), label = el("label", "quiz-option"), input = el("input");
      input.type = q.type === "multiple" ? "checkbox" : "radio";
      input.name = "offline-q" + q.id;
      input.value = o.key;
      label.appendChild(input);
      if (o.html !== undefined) {
        label.appendChild(el("span", "quiz-key", o.key));
        var text = el("span");
        text.innerHTML = o.html;
        label.appendChild(text);
      } else {
        label.appendChild(el("span", "", o.label));
      }
      li.appendChild(label);
      list.appendChild(li);
    });
    fs.appendChild(list);
    var note = el("p", "error");
    note.setAttribute("role", "alert");
    var check = el("button", "button primary quiz-check", t("confirm"));
    check.type = "button";
    check.addEventListener("click", function () {
      var answer = chosen(fs, q);
      if (answer === null) { note.textContent = t("choose"); return; }
      check.remove();
      note.remove();
      Array.prototype.forEach.call(fs.querySelectorAll("input"), function (i) { i.disabled = true; });
      var right = same(answer, q.answer);
      if (right) { session.right += 1; }
      queueAnswer(q, answer);
      var review = el("section", "quiz-review " + (right ? "quiz-right" : "quiz-wrong"));
      review.setAttribute("role", "status");
      review.appendChild(el("p", "quiz-review-head", right ? t("right") : t("wrong")));
      review.appendChild(el("p", "quiz-correct", t("key") + "：" + keyText(q, q.answer)));
      if (q.explanation) {
        var why = el("div", "quiz-explanation");
        why.appendChild(el("strong", "", t("explanation")));
        var body = el("div");
        body.innerHTML = q.explanation;
        why.appendChild(body);
        review.appendChild(why);
      }
      fs.appendChild(review);
      var last = session.index + 1 >= session.items.length;
      if (last) {
        fs.appendChild(el("p", "quiz-big", t("done", {right: session.right, n: session.items.length})));
        window.dispatchEvent(new Event("gt-practice-queued"));
      } else {
        var next = el("button", "button primary", t("next"));
        next.type = "button";
        next.addEventListener("click", function () { session.index += 1; render(); });
        fs.appendChild(next);
      }
      show();
    });
    fs.appendChild(note);
    fs.appendChild(check);
    quizEl.appendChild(fs);
    quizEl.hidden = false;
    fs.scrollIntoView({block: "start"});
  }

  start.addEventListener("click", function () {
    var p = pack();
    if (!p || !p.questions.length) { return; }
    var fresh = p.questions.filter(function (q) { return p.done.indexOf(q.id) < 0; });
    var used = p.questions.filter(function (q) { return p.done.indexOf(q.id) >= 0; });
    session = {id: newId(), items: fresh.concat(used).slice(0, SESSION), index: 0, right: 0};
    render();
  });
  download.addEventListener("click", function () { fetchPack(false); });
  window.addEventListener("gt-practice-synced", function (e) {
    online = e.detail.online;
    synced = online && !pending();
    if (online && !session) { fetchPack(true); } else { show(); }  // a fresh pack after sending
  });
  window.addEventListener("online", function () { online = true; show(); });
  window.addEventListener("offline", function () { online = false; show(); });

  box.hidden = false;
  show();
  // With a pack kept: is the server there (the page may have come from the offline
  // cache), and is the pack due for a refresh?
  if (!pack()) { return; }
  window.fetch(box.getAttribute("data-probe"), {cache: "no-store", redirect: "error"})
    .then(function (r) { online = r.ok; }, function () { online = false; })
    .then(function () {
      var p = pack();
      if (online && p && Date.now() - p.saved_at > FRESH_MS) { fetchPack(true); } else { show(); }
    });
}());
