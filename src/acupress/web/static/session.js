// The guided session in the browser. The server runs the session (acupress's own state
// machine) and writes the journal; this page shows a countdown to the deadline it was
// given and asks the server to go on when that deadline passes. Deadlines are read from
// performance.now(), not counted ticks, so a tab throttled in the background is right
// again the moment it wakes.
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

  let live = null; // the server's last answer
  let deadline = 0; // performance.now() at which the current step ends
  let queue = Promise.resolve(); // the requests to the server, one after another
  let pending = 0; // how many are queued or on their way
  let lastCall = 0; // performance.now() of the last answer
  let pausedToAsk = false; // paused by the stop question, resumed if it is cancelled
  let shownIndex = -1;
  let wakeLock = null;
  let audio = null;

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
      throw new Error("Cannot reach acupress: is it still running? Your completed steps are saved.");
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
        take(await call(path, body));
        problem("");
      })
      .catch((e) => problem(e.message))
      .finally(() => { pending -= 1; });
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

  function tick() {
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
      $("step-title").focus();
    } catch (e) {
      problem(e.message);
    } finally {
      $("start").disabled = false;
    }
  });

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
    if (!live || live.finished) return;
    const form = new FormData();
    form.append("csrf_token", token);
    navigator.sendBeacon(`/api/sessions/${live.id}/leave`, form);
  });

  setInterval(tick, 200);
})();
