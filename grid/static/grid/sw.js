/* Service worker of the grid pages: the report and visit forms open without signal. Pages: network
   first, the last copy when offline; static assets: cache first. Sends are never cached (the outbox
   in IndexedDB holds them). */
var CACHE = "minzheng-grid-v1";
var ASSETS = __ASSETS__;
var PAGES = __PAGES__;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(ASSETS).then(function () {
        return Promise.all(PAGES.map(function (url) {
          return fetch(url, { credentials: "same-origin" }).then(function (res) {
            if (res.ok && !res.redirected) return cache.put(url, res);
          }).catch(function () {});
        }));
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (res) {
        if (res.ok && !res.redirected) {
          var copy = res.clone();
          caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return res;
      }).catch(function () {
        return caches.match(url.pathname).then(function (hit) {
          return hit || new Response("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
            "<p style='font:16px sans-serif;padding:1em'>没有网络，该页面未缓存。上报事件和入户走访页面可离线使用。</p>",
            { headers: { "Content-Type": "text/html; charset=utf-8" } });
        });
      })
    );
  }
});
