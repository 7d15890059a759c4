// Catalog pages: picking a custom colour selects the "Custom" swatch; tags rename in place.
"use strict";

document.addEventListener("input", (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement) || !el.hasAttribute("data-color-input")) return;
  const custom = el.closest("fieldset")?.querySelector("input[data-custom-color]");
  if (custom) custom.checked = true;
});

// Escape closes a task's edit form and returns to its button.
document.addEventListener("keydown", (event) => {
  const open = event.key === "Escape" && event.target instanceof Element ? event.target.closest("details.edit[open]") : null;
  if (!open) return;
  open.open = false;
  open.querySelector("summary").focus();
});

// "Rename" on the tags list edits the name in its cell; without script it opens the rename page.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-rename]") : null;
  if (!link) return;
  event.preventDefault();
  const cell = link.closest("tr").querySelector("[data-tag-name]");
  if (cell.querySelector("form")) return;
  const old = cell.textContent.trim();
  const form = document.createElement("form");
  form.className = "rate-form";
  const input = Object.assign(document.createElement("input"), { type: "text", name: "name", value: old, required: true });
  input.setAttribute("aria-label", `New name of tag ${old}`);
  const save = Object.assign(document.createElement("button"), { type: "submit", className: "button small primary", textContent: "Save" });
  const error = Object.assign(document.createElement("span"), { className: "field-error" });
  error.setAttribute("role", "alert");
  form.append(input, save, error);
  cell.replaceChildren(form);
  input.focus();
  input.select();
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    try {
      const tag = await window.punchclock.post(link.dataset.rename, new URLSearchParams({ name: input.value }));
      cell.textContent = tag.name;
      for (const label of cell.closest("tr").querySelectorAll("[data-tag-label]")) label.textContent = ` ${tag.name}`;
      link.focus();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  input.addEventListener("keydown", (key) => {
    if (key.key === "Escape") { cell.textContent = old; link.focus(); }
  });
});
