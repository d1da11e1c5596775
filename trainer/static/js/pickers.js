// Pickers (templates/org/_pickers.html): a parent box covers its children (tri-state shown
// as "indeterminate"), and filter boxes hide entries whose name does not match. The form
// works the same without this script.
(function () {
  "use strict";

  function childBoxes(box) {
    var li = box.closest("li");
    return li ? li.querySelectorAll(":scope ul input[type=checkbox]") : [];
  }

  function refreshParents(tree) {
    var items = Array.prototype.slice.call(tree.querySelectorAll("li")).reverse();
    items.forEach(function (li) {
      var own = li.querySelector(":scope > label input[type=checkbox]");
      var kids = li.querySelectorAll(":scope ul input[type=checkbox]");
      if (!own || kids.length === 0 || own.checked) { if (own) { own.indeterminate = false; } return; }
      var some = Array.prototype.some.call(kids, function (k) { return k.checked || k.indeterminate; });
      own.indeterminate = some;
    });
  }

  document.querySelectorAll("[data-picker-tree]").forEach(function (tree) {
    tree.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox") { return; }
      if (box.checked) {  // the parent covers its children: untick them
        childBoxes(box).forEach(function (k) { k.checked = false; });
      }
      refreshParents(tree);
    });
    refreshParents(tree);
  });

  document.querySelectorAll(".picker-filter").forEach(function (box) {
    var list = box.parentElement.querySelector("[data-picker-tree], [data-picker-list]");
    var input = box.querySelector("input");
    if (!list || !input) { return; }
    box.hidden = false;
    input.addEventListener("input", function () {
      var q = input.value.trim();
      list.querySelectorAll("li[data-name]").forEach(function (li) {
        var hit = !q || li.getAttribute("data-name").indexOf(q) !== -1 ||
          li.querySelector("li[data-name]") !== null &&
          Array.prototype.some.call(li.querySelectorAll("li[data-name]"), function (c) {
            return c.getAttribute("data-name").indexOf(q) !== -1;
          });
        li.hidden = !hit;
        var details = li.querySelector(":scope > details");
        if (details && q && hit) { details.open = true; }
      });
    });
  });
}());
