// The reminders' days as toggles: the days field is written from them and hidden, so the
// form sends what it sends without this script ("mon,tue,..."), which is what it shows.
"use strict";

(function () {
  const form = document.getElementById("reminders-form");
  if (!form) return;
  const typed = form.querySelector("#r-days");
  const toggles = Array.from(form.querySelectorAll("#r-day-toggles input[type=checkbox]"));
  const error = document.getElementById("r-days-error");

  const given = typed.value.toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (given.length) {
    toggles.forEach((box) => { box.checked = given.some((word) => box.value.startsWith(word.slice(0, 3))); });
  }

  function write() {
    typed.value = toggles.filter((box) => box.checked).map((box) => box.value).join(",");
    if (typed.value) error.hidden = true;
  }

  form.querySelectorAll(".days-typed").forEach((e) => { e.hidden = true; });
  typed.required = false; // a hidden field cannot show its own message: this script does
  document.getElementById("r-day-toggles").hidden = false;
  write();
  toggles.forEach((box) => box.addEventListener("change", write));
  form.addEventListener("submit", (event) => {
    write();
    if (!typed.value) {
      event.preventDefault();
      error.hidden = false;
      toggles[0].focus();
    }
  });
})();
