// Scenario editor enhancements: a slider and quick steps beside each effect's number box,
// a warning before leaving a form with unsaved changes, and on the builder page dragging
// nodes and arrow ends in the graph and editing a node in place. Everything works without
// it: the node list and the forms stay. Words come from the page (gettext), positions are
// set as SVG attributes (the CSP forbids style="").
(function () {
  "use strict";
  var dirty = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    if (form.id === "sim-inline-form") { return; }  // its own state, below
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  var inlineDirty = false;
  window.addEventListener("beforeunload", function (event) {
    if (!dirty && !inlineDirty) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
  document.querySelectorAll("input.sim-effect-input").forEach(function (box) {
    var range = document.createElement("input");
    range.type = "range"; range.min = "-10"; range.max = "10"; range.step = "1";
    range.value = box.value || "0";
    range.setAttribute("aria-label", (box.labels && box.labels[0] ? box.labels[0].textContent : "") + "（滑块）");
    range.addEventListener("input", function () {
      box.value = range.value === "0" ? "" : range.value; dirty = true;
    });
    box.addEventListener("input", function () { range.value = box.value || "0"; });
    var steps = document.createElement("span");
    steps.className = "sim-steps";
    [-3, -2, -1, 0, 1, 2, 3].forEach(function (n) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "button small";
      b.textContent = n > 0 ? "+" + n : String(n);
      b.addEventListener("click", function () {
        box.value = n === 0 ? "" : String(n); range.value = String(n); dirty = true;
      });
      steps.appendChild(b);
    });
    box.parentNode.appendChild(range);
    box.parentNode.appendChild(steps);
  });

  // --- the builder page: inline editing, dragging nodes and arrow ends ----------------
  var root = document.getElementById("sim-inline");
  var graphBox = document.getElementById("sim-graph");
  if (!root || !graphBox || !window.fetch) { return; }
  var words = root.dataset;
  var nodes = JSON.parse(root.dataset.nodes || "[]");
  var tokenInput = document.querySelector("input[name=csrf_token]");
  var csrf = tokenInput ? tokenInput.value : "";
  var form = document.getElementById("sim-inline-form");
  var textBox = document.getElementById("sim-inline-text");
  var choiceSet = document.getElementById("sim-inline-choices");
  var noChoices = document.getElementById("sim-inline-none");
  var inlineState = document.getElementById("sim-inline-state");
  var inlineError = document.getElementById("sim-inline-error");
  var graphState = document.getElementById("sim-graph-state");
  var arrange = document.getElementById("sim-arrange");
  var editing = null;  // key of the node in the inline editor
  var queue = Promise.resolve();
  var savedGraph = graphBox.innerHTML;  // the drawing as last saved
  document.getElementById("sim-graph-tools").hidden = false;

  function rev() {
    var box = document.querySelector("input[name=rev]");
    return box ? parseInt(box.value, 10) : null;
  }
  function nodeData(key) {
    for (var i = 0; i < nodes.length; i++) { if (nodes[i].key === key) { return nodes[i]; } }
    return null;
  }
  function say(where, text, isError) {
    where.textContent = text || "";
    where.classList.toggle("sim-state-error", !!isError);
  }

  // One save at a time, in order; the answer is JSON (a refused CSRF token answers a page).
  function post(url, body) {
    var run = queue.then(function () {
      body.rev = rev();
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRFToken": csrf},
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (data) {
          return {status: response.status, data: data};
        }, function () {
          return {status: response.status, data: {error: {message: words.msgFailed}}};
        });
      }, function () {
        return {status: 0, data: {error: {message: words.msgFailed}}};
      });
    });
    queue = run.then(function () {}, function () {});
    return run;
  }

  // The page's parts a save changed, rendered by the server.
  function applyLive(data) {
    if (typeof data.rev !== "number") { return; }
    document.querySelectorAll("input[name=rev]").forEach(function (box) {
      box.value = String(data.rev);
    });
    nodes = data.nodes;
    document.getElementById("sim-problems-box").innerHTML = data.problems;
    document.getElementById("sim-node-list").innerHTML = data.list;
    graphBox.innerHTML = savedGraph = data.graph;
    var publish = document.getElementById("publish");
    var why = document.getElementById("publish-why");
    if (publish) {
      publish.disabled = !data.can_publish;
      if (why) { why.hidden = !!data.can_publish; }
    }
    if (editing !== null) {
      var node = nodeData(editing);
      if (node) { document.getElementById("sim-inline-name").textContent = node.name; }
    }
  }

  // --- inline editing ---------------------------------------------------------------
  function setInlineDirty(value) {
    inlineDirty = value;
    say(inlineState, value ? words.msgUnsaved : words.msgSaved, false);
  }

  function openEditor(key) {
    var node = nodeData(key);
    if (!node) { return; }
    if (inlineDirty && editing !== key && !window.confirm(words.msgLeave)) { return; }
    editing = key;
    document.getElementById("sim-inline-name").textContent = node.name;
    textBox.value = node.text;
    choiceSet.querySelectorAll("p.sim-inline-choice").forEach(function (p) { p.remove(); });
    node.choices.forEach(function (c, i) {
      var p = document.createElement("p");
      p.className = "sim-inline-choice";
      var label = document.createElement("label");
      label.htmlFor = "sim-inline-c" + i;
      var target = nodeData(c.goto);
      label.textContent = words.msgChoice.replace("%(n)s", String(i + 1)) + " → " +
        (target ? target.name : words.msgMissing);
      var input = document.createElement("input");
      input.id = "sim-inline-c" + i; input.className = "wide"; input.maxLength = 500;
      input.value = c.label; input.dataset.choice = c.key;
      p.appendChild(label); p.appendChild(document.createElement("br")); p.appendChild(input);
      choiceSet.appendChild(p);
    });
    noChoices.hidden = node.choices.length > 0;
    document.getElementById("sim-inline-full").href = words.formUrl.replace("__KEY__", key);
    inlineError.hidden = true;
    root.hidden = false;
    setInlineDirty(false);
    root.scrollIntoView({block: "nearest"});
    textBox.focus({preventScroll: true});
  }

  form.addEventListener("input", function () { setInlineDirty(true); });
  document.getElementById("sim-inline-close").addEventListener("click", function () {
    if (inlineDirty && !window.confirm(words.msgLeave)) { return; }
    root.hidden = true; editing = null; inlineDirty = false;
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (editing === null) { return; }
    var labels = {};
    choiceSet.querySelectorAll("input[data-choice]").forEach(function (input) {
      labels[input.dataset.choice] = input.value;
    });
    say(inlineState, words.msgSaving, false);
    post(words.inlineUrl.replace("__KEY__", encodeURIComponent(editing)),
         {text: textBox.value, labels: labels}).then(function (answer) {
      var data = answer.data;
      if (data.error) {
        // Refused (e.g. someone saved first): the newer draft is shown around the editor,
        // the author's text stays in it, unsaved, to compare and save again.
        applyLive(data);
        inlineError.textContent = data.error.message;
        inlineError.hidden = false;
        say(inlineState, words.msgUnsaved, true);
        return;
      }
      applyLive(data);
      inlineError.hidden = true;
      setInlineDirty(false);
      say(inlineState, data.message, !data.ok);
    });
  });
  document.getElementById("sim-node-list").addEventListener("click", function (event) {
    var link = event.target.closest("a.sim-node-link");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    openEditor(link.dataset.node);
  });

  // --- dragging in the graph -------------------------------------------------------
  var NS = "http://www.w3.org/2000/svg";
  var drag = null;
  var handled = false;  // a pointer gesture already answered (a drag, or a tap opening)

  arrange.addEventListener("click", function () {
    var on = arrange.getAttribute("aria-pressed") !== "true";
    arrange.setAttribute("aria-pressed", on ? "true" : "false");
    graphBox.classList.toggle("arranging", on);
  });

  function svgOf() { return graphBox.querySelector("svg"); }
  function point(svg, event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function boxSize(svg) {
    var parts = (svg.getAttribute("data-box") || "150 44 24").split(" ").map(Number);
    return {w: parts[0], h: parts[1], gap: parts[2]};
  }
  function boxAt(svg, key) {  // top-left of a node's (or missing target's) box, as drawn
    var g = svg.querySelector("g[data-key=\"" + CSS.escape(key) + "\"]") ||
      svg.querySelector("g[data-ghost=\"" + CSS.escape(key) + "\"]");
    if (!g) { return null; }
    var x = parseFloat(g.getAttribute("data-x")), y = parseFloat(g.getAttribute("data-y"));
    if (drag && drag.kind === "node" && drag.key === key) { x += drag.dx; y += drag.dy; }
    return {x: x, y: y};
  }
  function edgeD(svg, src, dst) {  // as graphsvg._edge draws it
    var s = boxSize(svg);
    if (dst.y < src.y + s.h) {
      var x1 = src.x + s.w, y1 = src.y + s.h / 2, x2 = dst.x + s.w, y2 = dst.y + s.h / 2;
      var bend = Math.max(x1, x2) + s.gap + 12;
      return "M" + x1 + " " + y1 + "C" + bend + " " + y1 + " " + bend + " " + y2 + " " +
        x2 + " " + y2;
    }
    return "M" + (src.x + s.w / 2) + " " + (src.y + s.h) + "L" + (dst.x + s.w / 2) + " " + dst.y;
  }
  function redrawEdges(svg, key) {
    svg.querySelectorAll("path[data-from]").forEach(function (path) {
      var from = path.getAttribute("data-from"), to = path.getAttribute("data-to");
      if (from !== key && to !== key) { return; }
      var src = boxAt(svg, from), dst = boxAt(svg, to);
      if (src && dst) { path.setAttribute("d", edgeD(svg, src, dst)); }
    });
    svg.querySelectorAll("circle.edge-end").forEach(function (end) { end.remove(); });
  }
  function grow(svg) {  // room to drag past the edges of the drawing
    var view = svg.viewBox.baseVal, s = boxSize(svg);
    var w = view.width + 2 * s.w, h = view.height + 4 * s.h;
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("width", String(w)); svg.setAttribute("height", String(h));
  }
  function nodeUnder(event) {
    var hit = document.elementFromPoint(event.clientX, event.clientY);
    return hit ? hit.closest("#sim-graph g[data-key]") : null;
  }
  function reset() { graphBox.innerHTML = savedGraph; }
  function answerGraph(answer) {
    var data = answer.data;
    applyLive(data);
    if (data.error) {
      if (typeof data.rev !== "number") { reset(); }
      say(graphState, data.error.message, true);
    } else {
      say(graphState, data.message, !data.ok);
    }
  }

  graphBox.addEventListener("pointerdown", function (event) {
    var svg = svgOf();
    handled = false;
    if (!svg || event.button !== 0) { return; }
    var touchOk = event.pointerType === "mouse" || graphBox.classList.contains("arranging");
    var end = event.target.closest("circle.edge-end");
    var g = event.target.closest("g[data-key]");
    if (!touchOk || (!end && !g)) { return; }
    var p = point(svg, event);
    if (end) {
      var line = document.createElementNS(NS, "line");
      var src = boxAt(svg, end.getAttribute("data-from")), s = boxSize(svg);
      line.setAttribute("x1", String(src.x + s.w / 2));
      line.setAttribute("y1", String(src.y + s.h));
      line.setAttribute("x2", String(p.x)); line.setAttribute("y2", String(p.y));
      line.setAttribute("stroke", "#1e6b34"); line.setAttribute("stroke-width", "2.5");
      line.setAttribute("stroke-dasharray", "6 4"); line.setAttribute("pointer-events", "none");
      svg.appendChild(line);
      end.setAttribute("pointer-events", "none");
      drag = {kind: "end", el: end, line: line, key: end.getAttribute("data-from"),
              choice: end.getAttribute("data-choice"), x0: p.x, y0: p.y, moved: false};
    } else {
      drag = {kind: "node", el: g, key: g.getAttribute("data-key"), x0: p.x, y0: p.y,
              dx: 0, dy: 0, moved: false};
    }
    svg.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  graphBox.addEventListener("pointermove", function (event) {
    var svg = svgOf();
    if (!drag || !svg) { return; }
    var p = point(svg, event);
    if (!drag.moved && Math.abs(p.x - drag.x0) + Math.abs(p.y - drag.y0) < 5) { return; }
    if (!drag.moved) { drag.moved = true; grow(svg); }
    if (drag.kind === "node") {
      var at = {x: parseFloat(drag.el.getAttribute("data-x")),
                y: parseFloat(drag.el.getAttribute("data-y"))};
      drag.dx = Math.max(p.x - drag.x0, -at.x); drag.dy = Math.max(p.y - drag.y0, -at.y);
      drag.el.setAttribute("transform", "translate(" + drag.dx + " " + drag.dy + ")");
      redrawEdges(svg, drag.key);
    } else {
      drag.line.setAttribute("x2", String(p.x)); drag.line.setAttribute("y2", String(p.y));
      drag.el.setAttribute("cx", String(p.x)); drag.el.setAttribute("cy", String(p.y));
      graphBox.querySelectorAll(".sim-drop").forEach(function (el) { el.classList.remove("sim-drop"); });
      var over = nodeUnder(event);
      if (over) { over.classList.add("sim-drop"); }
    }
    event.preventDefault();
  });
  function finish(event, cancelled) {
    if (!drag) { return; }
    var was = drag;
    drag = null;
    handled = true;  // the click that follows is this gesture's
    if (!was.moved && !cancelled && was.kind === "node") { openEditor(was.key); return; }
    if (!was.moved || cancelled) { reset(); return; }
    if (was.kind === "node") {
      var x = Math.round(parseFloat(was.el.getAttribute("data-x")) + was.dx);
      var y = Math.round(parseFloat(was.el.getAttribute("data-y")) + was.dy);
      var positions = {};
      positions[was.key] = [Math.max(0, x), Math.max(0, y)];
      say(graphState, words.msgSaving, false);
      post(words.layoutUrl, {positions: positions}).then(answerGraph);
      return;
    }
    var target = nodeUnder(event);
    var goto = target ? target.getAttribute("data-key") : null;
    reset();
    if (!goto) { say(graphState, words.msgDropOnNode, true); return; }
    say(graphState, words.msgSaving, false);
    post(words.retargetUrl.replace("__KEY__", encodeURIComponent(was.key)),
         {choice: was.choice, goto: goto}).then(answerGraph);
  }
  graphBox.addEventListener("pointerup", function (event) { finish(event, false); });
  graphBox.addEventListener("pointercancel", function (event) { finish(event, true); });
  graphBox.addEventListener("click", function (event) {
    if (handled) { handled = false; return; }
    var g = event.target.closest("g[data-key]");
    if (g) { openEditor(g.getAttribute("data-key")); }
  });
})();
