/* Grid Trainer's service worker (served at /sw.js, scope: the whole site).
   It caches only what a worker chose to keep: a course's lessons and images
   (「离线保存本课程」, offline-course.js), the practice attempt pages they opened, and the
   practice page with its scripts once they download offline practice (「下载离线练习」,
   offline-practice.js; the questions themselves live in localStorage, never here).
   Every request still goes to the network first; the cache answers only when the network
   fails. Logout clears the cache (Clear-Site-Data: "cache", "storage"). */
"use strict";
var CACHE = "gt-offline-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// Practice attempt pages (keys never in them; their questions exclude what anything
// withholds, quizzes/withheld.py) are kept when opened, to answer offline.
function keepsOnVisit(url, request) {
  return request.mode === "navigate" && /^\/attempts\/\d+$/.test(url.pathname);
}

function usable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0 ||
      url.pathname === "/sw.js") { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (usable(response)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) {
        return cache.match(request, {ignoreVary: true}).then(function (hit) {
          // refresh what is kept; keep a practice page that says it is practice
          if (hit || (keepsOnVisit(url, request) &&
                      response.headers.get("X-GT-Practice") === "1")) {
            return cache.put(request, copy);
          }
          return null;
        });
      });
    }
    return response;
  }).catch(function () {
    return caches.match(request, {ignoreVary: true, ignoreSearch: false})
      .then(function (hit) { return hit || Response.error(); });
  }));
});
