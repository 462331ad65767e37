// On every page: the service worker that keeps the app working offline, and the queue of
// steps a session page ran while offline (IndexedDB), sent to the server as soon as it
// can be reached, on this visit or the next.
"use strict";

(function () {
  const DB = "acupress";
  const STORE = "steps";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  // A step waiting: { key, session, index, seconds, skipped, completed_at }.
  const queue = {
    add: (step) => run("readwrite", (store) => { store.put(step); }),
    all: () => run("readonly", (store) => store.getAll()).then((all) => all || []),
    remove: (keys) => run("readwrite", (store) => { keys.forEach((k) => store.delete(k)); }),
  };

  // Send the waiting steps of one session (``current``: where its page is now); the
  // server's answer, or null when it cannot be reached. A step the server refuses is
  // dropped with the others of that session: sending it again would be refused again.
  queue.send = async function (session, current) {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const waiting = (await queue.all()).filter((s) => s.session === session);
    if (!waiting.length && !current) return { answer: null, sent: 0 };
    const body = {
      steps: waiting.map((s) => ({
        key: s.key, index: s.index, seconds: s.seconds, skipped: s.skipped, completed_at: s.completed_at,
      })),
    };
    if (current) body.current = current;
    let response;
    try {
      response = await fetch(`/api/sessions/${session}/steps`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify(body),
      });
    } catch (e) {
      return null; // still offline
    }
    const data = await response.json().catch(() => ({}));
    await queue.remove(waiting.map((s) => s.key));
    if (!response.ok) {
      throw new Error(data.detail || `The steps could not be saved (${response.status}).`);
    }
    return { answer: data, sent: waiting.length };
  };

  // Everything waiting, session by session (a tab closed while offline).
  queue.flush = async function () {
    const sessions = new Set((await queue.all()).map((s) => s.session));
    for (const session of sessions) {
      try {
        if ((await queue.send(session)) === null) return;
      } catch (e) {
        // refused: the journal keeps what it had, and the steps are not sent again
      }
    }
  };

  window.acupressQueue = queue;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
  if ("indexedDB" in window) {
    const flush = () => queue.flush().catch(() => {});
    window.addEventListener("online", flush);
    flush();
  }
})();
