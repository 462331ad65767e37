// The service worker: the app shell (styles, scripts, icon, manifest, font, and a page
// that says the network is gone), and the charts a session shows are kept here, so a
// session page that has started keeps working without the network. Pages hold health
// data and are never kept: without the network, a page asked for is the offline one.
"use strict";

const CACHE = "acupress-v1"; // the app's version is put here as it is served
const OFFLINE = "/static/offline.html";
const SHELL = [
  OFFLINE,
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
    const kept = await caches.match(request);
    if (kept) return kept;
    throw e;
  }
}

async function page(request) {
  try {
    return await fetch(request);
  } catch (e) {
    return (await caches.match(OFFLINE)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // From the network while it answers (an upgraded acupress is seen at once), else kept.
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/api/charts/")) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
});
