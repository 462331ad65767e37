// The service worker: the app shell, the static files and the charts a session shows are
// kept here, so a session page that has started keeps working without the network.
// Pages come from the network when it answers (they carry today's state and the
// security token) and from here when it does not; static files from here first.
"use strict";

const CACHE = "acupress-v1";
const SHELL = [
  "/",
  "/session",
  "/static/app.css",
  "/static/offline.js",
  "/static/session.js",
  "/static/icon.svg",
  "/static/manifest.webmanifest",
  "/static/fonts/noto-sans-sc-points.woff2",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => {}))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

async function fromNetwork(request) {
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function networkFirst(request) {
  try {
    return await fromNetwork(request);
  } catch (e) {
    const kept = await caches.match(request, { ignoreSearch: request.mode === "navigate" });
    if (kept) return kept;
    throw e;
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request);
  return kept || fromNetwork(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || url.pathname.startsWith("/api/charts/")) {
    event.respondWith(networkFirst(request));
  }
});
