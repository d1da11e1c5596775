// Scenario editor enhancements: a slider and quick steps beside each effect's number box,
// and a warning before leaving a form with unsaved changes. Everything works without it.
(function () {
  "use strict";
  var dirty = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
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
})();
