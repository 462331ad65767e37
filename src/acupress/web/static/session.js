// The guided session in the browser. The server runs the session (acupress's own state
// machine) and writes the journal; this page shows a countdown to the deadline it was
// given and asks the server to go on when that deadline passes. Deadlines are read from
// performance.now(), not counted ticks, so a tab throttled in the background is right
// again the moment it wakes.
//
// When the network drops, the page runs the session itself from the plan it was given:
// the countdown and the cues go on, and each step it finishes is queued (IndexedDB, see
// offline.js) with its key and the moment it really ended, on the server's clock; the
// queue is sent when the network is back, or on the next visit if the tab was closed.
"use strict";

(function () {
  const root = document.getElementById("session");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const RING = 2 * Math.PI * 54;
  const HEARTBEAT_MS = 10000; // the server takes a page silent for long to be gone
  const sound = root.dataset.sound === "on";
  const speech = root.dataset.speech === "on";
  const vibrate = root.dataset.vibrate === "on";
  const stored = window.acupressQueue; // the steps waiting to be sent (offline.js)

  let live = null; // the server's last answer
  let deadline = 0; // performance.now() at which the current step ends
  let queue = Promise.resolve(); // the requests to the server, one after another
  let pending = 0; // how many are queued or on their way
  let lastCall = 0; // performance.now() of the last answer
  let pausedToAsk = false; // paused by the stop question, resumed if it is cancelled
  let shownIndex = -1;
  let wakeLock = null;
  let audio = null;
  let plan = []; // every step of the plan, for running it offline
  let attempts = []; // how many times each step has been done (its next key)
  let serverNow = 0; // the server's clock (ms) at the last answer...
  let answeredAt = 0; // ...and performance.now() then
  let offline = false;
  let waiting = 0; // steps run offline, not yet sent
  let saving = Promise.resolve(); // steps being queued, in order
  let lastTry = 0; // performance.now() of the last attempt to reach the server

  async function call(path, body) {
    const options = { method: body === undefined ? "GET" : "POST", headers: { "X-CSRF-Token": token } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (e) {
      const error = new Error("Cannot reach acupress: is it still running? Your completed steps are saved.");
      error.offline = true;
      throw error;
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || `The request failed (${response.status}).`);
    return data;
  }

  function problem(text) {
    const p = $("problem");
    p.textContent = text;
    p.hidden = !text;
  }

  function announce(text) {
    $("announce").textContent = text;
  }

  // --- cues: a short tone, and the words when speech is on ---

  function tone(kind) {
    if (!sound) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const notes = kind === "end" ? [660, 880, 990] : kind === "switch_side" ? [880, 660] : [880];
      notes.forEach((hz, i) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        const start = audio.currentTime + i * 0.22;
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
        osc.connect(gain).connect(audio.destination);
        osc.start(start);
        osc.stop(start + 0.21);
      });
    } catch (e) {
      // No sound on this browser: the screen and the live region still say it.
    }
  }

  function say(words) {
    if (!speech || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(words));
  }

  function cue(cues) {
    if (!cues.length) return;
    const last = cues[cues.length - 1];
    tone(last.kind);
    say(last.words);
    if (vibrate && "vibrate" in navigator) {
      navigator.vibrate(last.kind === "end" ? [300, 150, 300, 150, 300] : last.kind === "switch_side" ? [150, 100, 150] : [300]);
    }
  }

  // --- the screen keeps awake during a session, where the browser can ---

  async function keepAwake() {
    if (!("wakeLock" in navigator) || wakeLock) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => { wakeLock = null; });
    } catch (e) {
      wakeLock = null; // refused (battery saver, not visible): the session goes on
    }
  }

  function letSleep() {
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }

  // --- drawing ---

  function clock(seconds) {
    const s = Math.max(0, Math.ceil(seconds - 1e-6));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function fill(list, items) {
    // Words of the content in `backticks` are shown as code, everything else as text.
    list.replaceChildren(...items.map((text) => {
      const li = document.createElement("li");
      text.split("`").forEach((part, i) => {
        if (i % 2 === 1) {
          const code = document.createElement("code");
          code.textContent = part;
          li.append(code);
        } else {
          li.append(part);
        }
      });
      return li;
    }));
  }

  function showStep(step) {
    $("step-count").textContent = `Step ${live.index + 1} of ${live.count}`;
    $("step-title").textContent = step.title;
    $("step-where").textContent = step.where;
    $("step-posture").textContent = step.posture;
    $("step-technique").textContent = step.technique;
    const pressure = step.pressure ? step.pressure + (step.pressure_note ? ` (${step.pressure_note})` : "") : "";
    $("step-pressure").textContent = pressure;
    document.querySelectorAll(".if-pressure").forEach((e) => { e.hidden = !pressure; });
    fill($("step-find"), step.find);
    document.querySelectorAll(".if-find").forEach((e) => { e.hidden = step.find.length === 0; });
    fill($("step-tips"), step.tips.map((t) => `Tip: ${t}`));
    fill($("step-warnings"), step.warnings.map((w) => `Warning: ${w}`));
    const img = $("step-chart");
    if (step.chart_url) {
      img.src = step.chart_url;
      img.alt = `Where ${step.point} lies`;
      $("chart-box").hidden = false;
    } else {
      img.removeAttribute("src");
      $("chart-box").hidden = true;
    }
    const next = live.next;
    $("next").textContent = next ? `Next: ${next.title}${next.where ? " — " + next.where : ""}` : "Next: the end of the session";
    const words = `Step ${live.index + 1} of ${live.count}: ${step.title}${step.where ? ", " + step.where : ""}. ${clock(step.seconds)}.`;
    announce(words);
  }

  function remaining() {
    if (!live) return 0;
    if (live.paused || live.finished) return live.step_remaining;
    return Math.max(0, (deadline - performance.now()) / 1000) * live.speed;
  }

  function draw() {
    if (!live || live.finished) return;
    const left = remaining();
    const step = live.step;
    const fraction = step.seconds ? Math.min(1, 1 - left / step.seconds) : 1;
    $("ring").style.strokeDashoffset = String(RING * fraction);
    $("time").textContent = clock(left);
    const done = live.total_elapsed + (live.step_remaining - left);
    $("overall").value = Math.min(100, (100 * done) / live.total_seconds);
    $("overall-text").textContent = `${clock(done)} of ${clock(live.total_seconds)}`;
    $("paused-label").hidden = !live.paused;
    $("pause").textContent = live.paused ? "Resume" : "Pause";
  }

  function take(answer) {
    if (answer.plan) plan = answer.plan;
    if (answer.attempts) attempts = answer.attempts.slice();
    if (answer.now) {
      serverNow = Date.parse(answer.now);
      answeredAt = performance.now();
    }
    live = answer;
    lastCall = performance.now();
    deadline = performance.now() + (answer.step_remaining / answer.speed) * 1000;
    cue(answer.cues);
    if (answer.finished) {
      finish();
      return;
    }
    if (answer.index !== shownIndex) {
      shownIndex = answer.index;
      showStep(answer.step);
    }
    $("message").textContent = answer.message;
    draw();
  }

  // Requests go one after another, in the order they were asked for: a press of Stop
  // while the clock's own request is on its way waits for it, and is never dropped.
  function send(path, body) {
    pending += 1;
    queue = queue
      .then(async () => {
        if (!live || live.finished) return; // over: nothing more to ask
        if (offline) {
          local(body);
          return;
        }
        try {
          take(await call(path, body));
        } catch (e) {
          if (!e.offline || !live || live.finished) throw e;
          goOffline();
          local(body);
          return;
        }
        problem("");
      })
      .catch((e) => problem(e.message))
      .finally(() => { pending -= 1; });
    return queue;
  }

  function inTurn(work) {
    queue = queue.then(work).catch((e) => problem(e.message)).finally(() => { pending -= 1; });
    return queue;
  }

  function act(action, extra) {
    if (!live) return Promise.resolve();
    return send(`/api/sessions/${live.id}/actions`, Object.assign({ action: action }, extra || {}));
  }

  function refresh() {
    // The server writes the steps whose time passed, and hears the page is still here.
    return act("advance");
  }

  // --- offline: the page runs the session itself, and queues the steps it finishes ---

  function serverTime(at) {
    return new Date(serverNow + (at - answeredAt) * live.speed).toISOString();
  }

  function showOffline() {
    const box = $("offline");
    box.hidden = !offline;
    const steps = waiting === 1 ? "1 step waits" : `${waiting} steps wait`;
    box.textContent = `You are offline: the session goes on here, and ${steps} to be sent to your journal when the network is back.`;
  }

  function goOffline() {
    offline = true;
    lastTry = performance.now();
    problem("");
    showOffline();
  }

  function cueFor(done, after) {
    if (!after) return { kind: "end", words: "The session is over. Rest, and drink some water." };
    if (after.id === done.id && (after.side === "left" || after.side === "right")) {
      return { kind: "switch_side", words: `Switch to the ${after.side} side.` };
    }
    const where = after.side === "left" || after.side === "right" ? `, ${after.side} side` : "";
    return { kind: "next_step", words: `Now: ${after.title}${where}.` };
  }

  function complete(skipped, at) {
    const index = live.index;
    const step = plan[index];
    const seconds = skipped ? Math.max(0, step.seconds - remaining()) : step.seconds;
    const record = {
      key: `${live.uid}:${index}:${attempts[index] || 0}`,
      session: live.id,
      index: index,
      seconds: Math.round(seconds * 1000) / 1000,
      skipped: skipped,
      completed_at: serverTime(at),
    };
    attempts[index] = (attempts[index] || 0) + 1;
    waiting += 1;
    saving = saving.then(() => stored.add(record)).catch(() => {});
    const after = plan[index + 1] || null;
    const said = cueFor(step, after);
    const doneCount = live.steps_done + (skipped ? 0 : 1);
    const skippedCount = live.steps_skipped + (skipped ? 1 : 0);
    if (!after) {
      live = Object.assign({}, live, {
        finished: true, complete: true, step_remaining: 0, steps_done: doneCount, steps_skipped: skippedCount,
      });
      cue([said]);
      showOffline();
      finish();
      return;
    }
    live = Object.assign({}, live, {
      index: index + 1,
      step: after,
      next: plan[index + 2] || null,
      step_remaining: after.seconds,
      step_elapsed: 0,
      total_elapsed: plan.slice(0, index + 1).reduce((t, s) => t + s.seconds, 0),
      message: said.words,
      steps_done: doneCount,
      steps_skipped: skippedCount,
    });
    deadline = at + (after.seconds / live.speed) * 1000;
    shownIndex = live.index;
    showStep(after);
    cue([said]);
    $("message").textContent = said.words;
    showOffline();
    draw();
  }

  // What the buttons do while offline: pause and skip here; back and stop wait for the
  // network, since the server decides what they record.
  function local(body) {
    if (!live || live.finished) return;
    const action = body && body.action;
    if (action === "pause" && !live.paused) {
      live = Object.assign({}, live, { paused: true, step_remaining: remaining() });
      $("message").textContent = "Paused.";
    } else if (action === "resume" && live.paused) {
      live = Object.assign({}, live, { paused: false });
      deadline = performance.now() + (live.step_remaining / live.speed) * 1000;
      $("message").textContent = "";
    } else if (action === "skip") {
      complete(true, performance.now());
    } else if (action === "back" || action === "stop") {
      problem("You are offline: Back and Stop need the network. Pause meanwhile; the session stays as it is here.");
    }
    draw();
  }

  // Back online: the steps run offline are sent with where the page is now, and the
  // server's answer takes over again.
  async function reconnect() {
    lastTry = performance.now();
    await saving;
    const step = plan[live.index];
    const current = live.finished ? null : {
      index: live.index,
      elapsed: Math.max(0, step.seconds - remaining()),
      paused: live.paused,
      at: serverTime(performance.now()),
    };
    let result;
    try {
      result = await stored.send(live.id, current);
    } catch (e) {
      offline = false;
      waiting = 0;
      showOffline();
      problem(e.message);
      return;
    }
    if (result === null) return; // still offline
    offline = false;
    waiting = 0;
    showOffline();
    const wasFinished = live.finished;
    if (result.answer) {
      if (wasFinished) live = Object.assign({}, live, { finished: false });
      take(result.answer);
    }
    problem("");
  }

  function tick() {
    if (offline && live) {
      if (!live.finished && !live.paused && performance.now() >= deadline) complete(false, deadline);
      if (pending === 0 && performance.now() - lastTry > 2000 && navigator.onLine !== false) {
        pending += 1;
        inTurn(reconnect);
      }
      draw();
      return;
    }
    if (live && !live.finished && pending === 0) {
      if (!live.paused && performance.now() >= deadline) act("advance");
      else if (performance.now() - lastCall > HEARTBEAT_MS) refresh();
    }
    draw();
  }

  function finish() {
    letSleep();
    $("run").hidden = true;
    $("stop-box").hidden = true;
    $("closing").hidden = false;
    const advice = live.stop_advice;
    $("advice").hidden = !advice;
    $("advice").textContent = advice || "";
    $("closing-title").textContent = live.complete ? "The session is over" : "The session is stopped";
    announce(live.complete ? "The session is over." : "The session is stopped.");
    $("closing-title").focus();
  }

  // --- starting, stopping, closing ---

  $("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    $("start").disabled = true;
    try {
      const start = { pain_before: Number(form.get("pain_before")) };
      if (form.get("on_rest_day") === "yes") start.on_rest_day = true;
      const answer = await call("/api/sessions", start);
      if (sound) tone("next_step"); // also unlocks audio, which needs a user gesture
      $("setup").hidden = true;
      $("run").hidden = false;
      problem("");
      take(answer);
      keepAwake();
      keepCharts();
      $("step-title").focus();
    } catch (e) {
      problem(e.message);
    } finally {
      $("start").disabled = false;
    }
  });

  // The charts of every step, fetched now so that the service worker keeps them for a
  // session that goes on offline.
  function keepCharts() {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return;
    [...new Set(plan.map((s) => s.chart_url).filter(Boolean))].forEach((url) => {
      fetch(url).catch(() => {});
    });
  }

  async function askStop() {
    if (!live || live.finished || !$("stop-box").hidden) return;
    $("stop-box").hidden = false;
    $("stop-title").focus();
    if (!live.paused) {
      pausedToAsk = true;
      await act("pause"); // the clock waits while the reason is chosen
    }
  }

  $("stop-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    act("stop", { reason: form.get("reason"), note: form.get("note") || "" });
  });
  $("stop-cancel").addEventListener("click", () => {
    $("stop-box").hidden = true;
    $("stop").focus();
    if (pausedToAsk) act("resume");
    pausedToAsk = false;
  });

  $("closing-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const saved = await call(`/api/sessions/${live.id}/closing`, {
        pain_after: Number(form.get("pain_after")),
        sensations: form.getAll("sensations"),
        note: form.get("note") || "",
      });
      $("closing").hidden = true;
      $("saved").hidden = false;
      const relief = saved.relief === null ? "" : `, relief ${saved.relief}`;
      $("saved-text").textContent = `Session ${saved.id}: pain ${saved.pain_before} → ${saved.pain_after}${relief}; ${saved.steps.filter((s) => !s.skipped).length} steps done.`;
      $("saved-title").focus();
      problem("");
    } catch (e) {
      problem(e.message);
    }
  });

  $("pause").addEventListener("click", () => act(live && live.paused ? "resume" : "pause"));
  $("skip").addEventListener("click", () => act("skip"));
  $("back").addEventListener("click", () => act("back"));
  $("stop").addEventListener("click", askStop);

  document.addEventListener("keydown", (event) => {
    if (!live || live.finished || $("run").hidden || event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.closest && event.target.closest("input, textarea, select");
    if (typing) return;
    const onButton = event.target.tagName === "BUTTON";
    if (event.key === " " && !onButton) {
      event.preventDefault();
      act(live.paused ? "resume" : "pause");
    } else if (event.key === "n" || event.key === "N") {
      act("skip");
    } else if (event.key === "b" || event.key === "B") {
      act("back");
    } else if (event.key === "q" || event.key === "Q") {
      askStop();
    }
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !live || live.finished) return;
    keepAwake();
    if (pending === 0) refresh();
  });

  // Leaving the page (closing the tab, reloading, going elsewhere) ends the session:
  // the steps done so far are kept and it is marked as interrupted.
  window.addEventListener("pagehide", () => {
    if (!live || live.finished || offline) return; // offline: its steps are sent next time
    const form = new FormData();
    form.append("csrf_token", token);
    navigator.sendBeacon(`/api/sessions/${live.id}/leave`, form);
  });

  setInterval(tick, 200);
})();
