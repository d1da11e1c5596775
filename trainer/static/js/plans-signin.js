// QR sign-in screen: fetch the next code just after the current one rotates. Without
// JavaScript the page's <noscript> meta refresh reloads it instead.
(function () {
  "use strict";
  var box = document.getElementById("signin");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-code-url");

  // Ask again at the next rotation, and every few seconds for the signed-in count.
  function schedule(rotatesAt) {
    var wait = rotatesAt ? Date.parse(rotatesAt) - Date.now() + 500 : 15000;
    window.setTimeout(refresh, Math.min(Math.max(wait, 1000), 5000));
  }

  function show(data) {
    var qr = document.getElementById("signin-qr");
    var code = document.getElementById("signin-code-text");
    var present = document.getElementById("signin-present");
    if (present) { present.textContent = String(data.present); }
    if (!data.open) {  // not open yet: keep asking; just closed: show the closed page
      if (qr) { window.location.reload(); return false; }
      return true;
    }
    if (!qr) { window.location.reload(); return false; }
    if (code && code.textContent === data.code) { return true; }
    var doc = new DOMParser().parseFromString(data.svg, "text/html");
    var svg = doc.body.firstElementChild;
    if (svg && svg.nodeName.toLowerCase() === "svg") {
      qr.replaceChildren(document.importNode(svg, true));
    }
    if (code) { code.textContent = data.code; }
    var digits = document.getElementById("signin-digits-text");
    if (digits && data.digits) { digits.textContent = data.digits; }
    return true;
  }

  function refresh() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { if (show(data)) { schedule(data.rotates_at); } })
      .catch(function () { schedule(null); });
  }

  schedule(box.getAttribute("data-rotates-at"));
}());
