// The entries list: edits save as you leave a field (the row and the totals update in place), and
// "Load older entries" appends the next weeks. Without this script the forms post and the page reloads.
"use strict";
(() => {
  const lastSent = new WeakMap();
  const serialize = (form) => new URLSearchParams(new FormData(form)).toString();

  const setText = (row, name, text) => {
    const el = row.querySelector(`[data-show="${name}"]`);
    if (el) el.textContent = text;
    return el;
  };

  const showEntry = (row, entry) => {
    const desc = setText(row, "description", entry.description || "(no description)");
    desc.classList.toggle("muted", !entry.description);
    setText(row, "project", entry.project);
    setText(row, "task", entry.task);
    setText(row, "range", entry.range);
    setText(row, "duration", entry.duration);
    const dot = row.querySelector('[data-show="color"]');
    dot.classList.toggle("is-none", !entry.project);
    if (entry.color) dot.querySelector("circle").setAttribute("fill", entry.color);
    row.querySelector('[data-show="billable"]').classList.toggle("is-none", !entry.billable);
    const tags = row.querySelector('[data-show="tags"]');
    tags.replaceChildren(...entry.tags.map((name) => {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = name;
      return badge;
    }));
    const form = row.querySelector("form[data-edit]");
    for (const [name, value] of Object.entries(entry.fields)) {
      const input = form.elements.namedItem(name);
      if (input) input.value = value;
    }
  };

  const showTotals = (answer) => {
    for (const [day, text] of Object.entries(answer.days)) {
      document.querySelectorAll(`[data-day-total="${day}"]`).forEach((el) => { el.textContent = text; });
    }
    for (const [week, text] of Object.entries(answer.weeks)) {
      document.querySelectorAll(`[data-week-total="${week}"]`).forEach((el) => { el.textContent = text; });
    }
  };

  const save = async (form) => {
    const body = serialize(form);
    if (lastSent.get(form) === body) return;
    lastSent.set(form, body);
    const row = form.closest("[data-entry]");
    const status = form.querySelector(".edit-status");
    status.classList.remove("error");
    status.textContent = "Saving…";
    try {
      const answer = await window.punchclock.post(form.action, new URLSearchParams(body));
      if (answer.entry.day !== row.dataset.day) {
        window.location.reload();  // the entry moved to another day: its place in the list changed
        return;
      }
      showEntry(row, answer.entry);
      showTotals(answer);
      lastSent.set(form, serialize(form));
      status.textContent = "Saved.";
    } catch (error) {
      lastSent.delete(form);
      status.classList.add("error");
      status.textContent = error.message;
    }
  };

  const pending = new WeakMap();
  const queue = (form) => {  // one save at a time per form, in order
    const next = (pending.get(form) || Promise.resolve()).then(() => save(form));
    pending.set(form, next);
    return next;
  };

  // A date field changes on every typed segment: it saves when the field is left instead.
  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (form && form.matches("form[data-edit]") && event.target.type !== "date") queue(form);
  });
  document.addEventListener("focusout", (event) => {
    const form = event.target.form;
    if (form && form.matches("form[data-edit]") && event.target.type === "date") queue(form);
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-edit]")) return;
    event.preventDefault();
    queue(form);
  });

  // Delete: the row goes at once and an Undo form (a plain post of restore) takes its place above the list.
  const undoNotice = (entryId) => {
    const notice = document.createElement("div");
    notice.className = "flash flash-ok undo";
    notice.setAttribute("role", "status");
    notice.append("Time entry deleted. ");
    const form = document.createElement("form");
    form.method = "post";
    form.action = `/entries/${entryId}/restore`;
    form.className = "inline-form";
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf";
    token.value = window.punchclock.csrf();
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "button small";
    button.textContent = "Undo";
    form.append(token, button);
    notice.append(form);
    document.querySelectorAll("main > .flash, .entries-list > .undo").forEach((old) => old.remove());  // stale news
    document.getElementById("entries-notice").replaceChildren(notice);
    button.focus();
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-delete]")) return;
    event.preventDefault();
    const row = form.closest("[data-entry]");
    try {
      const answer = await window.punchclock.post(form.action, new URLSearchParams(new FormData(form)));
      const day = row.closest("section.day");
      row.remove();
      if (day && !day.querySelector("[data-entry]")) day.remove();
      document.querySelectorAll("section.week").forEach((week) => {
        if (!week.querySelector("[data-entry]")) week.remove();
      });
      showTotals(answer);
      undoNotice(answer.id);
    } catch (error) {
      window.alert(error.message);
    }
  });

  document.addEventListener("click", async (event) => {
    const link = event.target.closest && event.target.closest("[data-load-more]");
    if (!link) return;
    event.preventDefault();
    link.setAttribute("aria-disabled", "true");
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      const html = new DOMParser().parseFromString(await response.text(), "text/html");
      const list = document.getElementById("entries");
      const firstNew = html.querySelector("#entries .week");
      list.append(...html.getElementById("entries").children);
      document.getElementById("more").replaceChildren(...html.getElementById("more").children);
      if (firstNew) {
        const heading = list.querySelector(`[data-week="${firstNew.dataset.week}"] h3`);
        if (heading) { heading.tabIndex = -1; heading.focus(); }
      }
    } catch (error) {
      link.removeAttribute("aria-disabled");
      window.location.href = link.href;
    }
  });
})();
