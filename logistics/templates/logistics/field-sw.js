// The field app's service worker (logistics/views/field.py renders it with its configuration).
// It caches the field page and its own files so the page opens without signal, and wipes the
// batches from this device on sign-out. Every other request of the site passes through untouched.
"use strict";
var CONFIG = {{ config|safe }};
var CACHE = "noisong-field-" + CONFIG.version;
var DB = "noisong-field";
var SHELL_WAIT_MS = 4000; // on a weak signal, the cached page rather than a long wait

// Each file on its own: on a weak signal one that fails is fetched (and cached) when the page
// next asks for it, instead of failing the whole install.
self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      var files = CONFIG.assets.map(function (url) { return cache.add(url).catch(function () {}); });
      var page = fetch(CONFIG.shell, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
        if (response.ok && response.type === "basic") return cache.put(CONFIG.shell, response);
      }).catch(function () {});
      return Promise.all(files.concat([page]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("noisong-field-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function shellFromNetwork(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(CONFIG.shell, copy); });
    }
    return response;
  });
}

function shell(request) {
  var network = shellFromNetwork(request);
  var cached = new Promise(function (resolve) {
    setTimeout(function () { caches.match(CONFIG.shell).then(resolve); }, SHELL_WAIT_MS);
  });
  return Promise.race([
    network,
    cached.then(function (response) { return response || network; }),
  ]).catch(function () {
    return caches.match(CONFIG.shell).then(function (response) { return response || network; });
  });
}

function wipePacks() {
  // Sign-out: the households of every batch leave this device. Records not yet synced stay
  // (they are handovers that happened) and sync when their author signs in again.
  return new Promise(function (resolve) {
    var open = indexedDB.open(DB);
    open.onupgradeneeded = function () { open.transaction.abort(); };
    open.onerror = function () { resolve(); };
    open.onsuccess = function () {
      var db = open.result;
      if (!db.objectStoreNames.contains("packs")) { db.close(); resolve(); return; }
      var tx = db.transaction("packs", "readwrite");
      tx.objectStore("packs").clear();
      tx.oncomplete = tx.onerror = tx.onabort = function () { db.close(); resolve(); };
    };
  }).then(function () {
    return caches.open(CACHE).then(function (cache) { return cache.delete(CONFIG.shell); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === CONFIG.logout) {
    event.waitUntil(wipePacks());
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && url.pathname === CONFIG.shell) {
    event.respondWith(shell(request));
    return;
  }
  if (CONFIG.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (cached) {
      return cached || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      });
    }));
  }
});
