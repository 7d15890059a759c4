// Report pages: a chosen period shows at once; typing a date makes the period "Custom dates";
// one filter list is open at a time, and a click elsewhere closes it.
"use strict";
(() => {
  const form = document.getElementById("report-filters");
  if (!form) return;
  const range = form.elements.namedItem("range");
  for (const name of ["since", "until"]) {
    const input = form.elements.namedItem(name);
    if (input) input.addEventListener("change", () => { range.value = "custom"; });
  }
  range.addEventListener("change", () => {
    if (range.value !== "custom") form.requestSubmit();
  });
  const lists = Array.from(form.querySelectorAll("details.filter-list"));
  for (const list of lists) {
    list.addEventListener("toggle", () => {
      if (list.open) for (const other of lists) if (other !== list) other.open = false;
    });
  }
  document.addEventListener("click", (event) => {
    for (const list of lists) if (list.open && !list.contains(event.target)) list.open = false;
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = lists.find((list) => list.open);
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
