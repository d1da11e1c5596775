/* 「离线保存本课程」: keep the course page, its lessons and images in the offline cache
   (the service worker answers from it when the network fails). Shown only when the
   browser can do it; without JavaScript the button stays hidden. */
(function () {
  "use strict";
  var box = document.getElementById("offline-keep");
  if (!box || !window.caches || !("serviceWorker" in navigator) || !window.fetch) { return; }
  var button = document.getElementById("offline-keep-button");
  var status = document.getElementById("offline-keep-status");
  box.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    window.fetch(box.getAttribute("data-list"), {credentials: "same-origin",
                                                  headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (list) {
        return window.caches.open("gt-offline-v1").then(function (cache) {
          return cache.addAll(list.urls);
        });
      })
      .then(function () { status.textContent = box.getAttribute("data-saved"); })
      .catch(function () { status.textContent = box.getAttribute("data-failed"); })
      .then(function () { button.disabled = false; });
  });
}());
