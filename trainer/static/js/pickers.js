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

  // A grouped <select> (grouped_choices): options whose name and department do not hold
  // the text are hidden, a department with none left too; the chosen option stays.
  function filterSelect(select, q) {
    select.querySelectorAll("option").forEach(function (option) {
      var group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
      var hit = !q || !option.value || option.selected ||
        (option.textContent + " " + group).indexOf(q) !== -1;
      option.hidden = !hit;
      option.disabled = !hit;  // browsers that ignore [hidden] on options
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !Array.prototype.some.call(group.querySelectorAll("option"), function (o) {
        return !o.hidden;
      });
    });
  }

  document.querySelectorAll(".picker-filter").forEach(function (box) {
    var input = box.querySelector("input");
    var select = box.parentElement.querySelector("[data-picker-select]");
    if (select && input) {
      box.hidden = false;
      input.addEventListener("input", function () { filterSelect(select, input.value.trim()); });
      return;
    }
    var list = box.parentElement.querySelector("[data-picker-tree], [data-picker-list]");
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
