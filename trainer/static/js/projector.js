// Projector view: poll the small JSON state every few seconds and update the page in
// place; tick the countdowns every second against the server's clock. Without this script
// the page refreshes itself (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root || !window.fetch) { return; }
  var poll = Math.max(2, parseInt(root.dataset.poll, 10) || 5);
  var skew = Date.parse(root.dataset.now) - Date.now();  // server minus client
  var busy = false;

  function left(iso) {
    var end = Date.parse(iso);
    if (isNaN(end)) { return ""; }
    var s = Math.max(0, Math.round((end - (Date.now() + skew)) / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = (h ? (m < 10 ? "0" : "") : "") + m, ss = (sec < 10 ? "0" : "") + sec;
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  function tick() {
    var clocks = root.querySelectorAll("time[data-until]");
    for (var i = 0; i < clocks.length; i++) {
      if (clocks[i].dataset.until) { clocks[i].textContent = left(clocks[i].dataset.until); }
    }
  }

  function row(rank, name, sub, score) {
    var li = document.createElement("li");
    var r = document.createElement("span"); r.className = "rank"; r.textContent = rank;
    var w = document.createElement("span"); w.className = "who"; w.textContent = name;
    if (sub !== null) {
      var small = document.createElement("small"); small.textContent = sub; w.appendChild(small);
    }
    var s = document.createElement("span"); s.className = "score"; s.textContent = score;
    li.appendChild(r); li.appendChild(w); li.appendChild(s);
    return li;
  }

  function fill(list, items, make) {
    if (!list) { return; }
    var fresh = document.createDocumentFragment();
    items.forEach(function (item) { fresh.appendChild(make(item)); });
    if (!items.length && list.id === "projector-entries") {
      var empty = document.createElement("li"); empty.className = "empty";
      empty.textContent = document.getElementById("projector-empty").textContent;
      fresh.appendChild(empty);
    }
    list.replaceChildren(fresh);
  }

  function show(id, on) { var el = document.getElementById(id); if (el) { el.hidden = !on; } }

  function setClock(id, field, title, until) {
    var box = document.getElementById(id);
    if (!box) { return; }
    var t = box.querySelector("[data-field=" + field + "]");
    if (t) { t.textContent = title || ""; }
    box.querySelector("time").dataset.until = until || "";
  }

  function apply(state) {
    skew = Date.parse(state.now) - Date.now();
    show("projector-frozen", state.frozen);
    show("projector-round", !!state.round);
    setClock("projector-round", "round-title", state.round && state.round.title,
             state.round && state.round.closes_at);
    show("projector-next", !state.round && !!state.next_round);
    setClock("projector-next", "next-title", state.next_round && state.next_round.title,
             state.next_round && state.next_round.opens_at);
    show("projector-freeze", !!state.freeze_at);
    setClock("projector-freeze", null, null, state.freeze_at);
    fill(document.getElementById("projector-entries"), state.entries, function (e) {
      return row(e.rank, e.name, e.community, e.score);
    });
    show("projector-teams-box", state.teams.length > 0);
    fill(document.getElementById("projector-teams"), state.teams, function (t) {
      return row(t.rank, t.team, null, t.score);
    });
    root.dataset.updated = state.now;
    tick();
  }

  function refresh() {
    if (busy) { return; }
    busy = true;
    fetch(root.dataset.stateUrl, {credentials: "same-origin", cache: "no-store",
                                  headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.ok && !resp.redirected ? resp.json() : null; })
      .then(function (state) { if (state) { apply(state); } })
      .catch(function () { /* the venue's network blinked: the next tick tries again */ })
      .then(function () { busy = false; });
  }

  var full = document.getElementById("projector-fullscreen");
  if (full && document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () {});
    });
  }
  tick();
  setInterval(tick, 1000);
  setInterval(refresh, poll * 1000);
}());
