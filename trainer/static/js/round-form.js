// The round form (templates/competitions/round_form.html): only the fieldsets of the
// chosen kind are shown, the others hidden and disabled (so nothing of theirs is sent).
// Without this script every fieldset shows and the server ignores the other kinds' fields.
(function () {
  "use strict";

  document.querySelectorAll("form[data-round-form]").forEach(function (form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) { return; }
    function show() {
      form.querySelectorAll("fieldset[data-kinds]").forEach(function (set) {
        var mine = set.getAttribute("data-kinds").split(" ").indexOf(kind.value) !== -1;
        set.hidden = !mine;
        set.disabled = !mine;
      });
    }
    kind.addEventListener("change", show);
    show();
  });
}());
