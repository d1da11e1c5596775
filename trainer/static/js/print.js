// A "Print" button (data-print) for pages worth keeping on paper, e.g. recovery codes.
// Hidden without JavaScript, since it could do nothing then.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
