// The safety check on a phone: one question at a time, with Back and Next; a tap on Yes
// or No goes on to the next question. The form and its fields stay as they are, so on a
// wide screen (or without this script) the whole form shows and posts the same answers.
"use strict";

(function () {
  const form = document.getElementById("check-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const questions = Array.from(form.querySelectorAll(".questions > li"));
  const phone = window.matchMedia("(max-width: 40rem)");
  const count = $("question-count");
  const nav = $("question-nav");
  const back = $("question-back");
  const next = $("question-next");
  const submit = $("check-submit");
  let current = 0;
  let pointer = false; // the last answer was a tap or click, not the keyboard

  function answered(li) {
    return Array.from(li.querySelectorAll("input[required]")).every((input) => input.validity.valid);
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(questions.length - 1, index));
    questions.forEach((li, i) => { li.hidden = i !== current; });
    $("question-count-text").textContent = `Question ${current + 1} of ${questions.length}`;
    $("question-progress").value = current + 1;
    back.hidden = current === 0;
    const last = current === questions.length - 1;
    next.hidden = last;
    submit.hidden = !last;
    if (focus) {
      const li = questions[current];
      const first = li.querySelector("input:checked") || li.querySelector("input");
      if (first) first.focus({ preventScroll: true });
      count.scrollIntoView({ block: "nearest" });
    }
  }

  function stepping() {
    return form.classList.contains("stepping");
  }

  function setMode() {
    if (phone.matches) {
      form.classList.add("stepping");
      count.hidden = false;
      nav.hidden = false;
      // Back on the page with answers missing (a mistake, or a first visit): the first
      // question without an answer; with all answered, the first question.
      const open = questions.findIndex((li) => !answered(li));
      show(open === -1 ? 0 : open, false);
    } else {
      form.classList.remove("stepping");
      count.hidden = true;
      nav.hidden = true;
      submit.hidden = false;
      questions.forEach((li) => { li.hidden = false; });
    }
  }

  function goOn() {
    const missing = Array.from(questions[current].querySelectorAll("input")).find((i) => !i.validity.valid);
    if (missing) {
      missing.reportValidity();
      return;
    }
    show(current + 1, true);
  }

  next.addEventListener("click", goOn);
  back.addEventListener("click", () => show(current - 1, true));

  form.addEventListener("pointerdown", () => { pointer = true; });
  form.addEventListener("keydown", (event) => {
    pointer = false;
    // Enter in an answer goes on to the next question, as Next does; on the last, it sends
    const last = current === questions.length - 1;
    if (stepping() && event.key === "Enter" && event.target.tagName === "INPUT" && !last) {
      event.preventDefault();
      goOn();
    }
  });
  form.addEventListener("change", (event) => {
    const input = event.target;
    if (!stepping() || !pointer || input.type !== "radio") return;
    const at = questions.indexOf(input.closest(".questions > li"));
    if (at === current && current < questions.length - 1) {
      window.setTimeout(() => { if (at === current) show(current + 1, true); }, 250);
    }
  });
  // An answer missing on sending: its question is shown, so the browser can point at it
  // (it cannot point at a hidden one).
  submit.addEventListener("click", (event) => {
    if (!stepping()) return;
    const open = questions.findIndex((li) => !answered(li));
    if (open !== -1) {
      event.preventDefault();
      show(open, true);
      goOn();
    }
  });

  phone.addEventListener("change", setMode);
  setMode();
})();
