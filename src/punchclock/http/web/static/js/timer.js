// The timer: the running entry's elapsed time ticks in the page and the tab title; keyboard shortcuts.
"use strict";
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const clock = (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  };

  const running = document.querySelector("[data-running]");
  if (running) {
    const start = Number(running.dataset.start);
    const shown = running.querySelector("[data-elapsed]");
    const what = running.dataset.description || "(no description)";
    const tick = () => {
      const text = clock(Date.now() / 1000 - start);
      shown.textContent = text;
      document.title = `${text} · ${what}`;
    };
    tick();
    window.setInterval(tick, 1000);
  }

  // Tasks offered for the chosen project only (every form with a project and a task picker).
  const syncTasks = (projectSelect) => {
    const task = projectSelect.form && projectSelect.form.querySelector("[data-task-select]");
    if (!task) return;
    const pid = projectSelect.value;
    for (const group of task.querySelectorAll("optgroup")) {
      const match = !pid || group.dataset.project === pid;
      group.hidden = !match;
      group.disabled = !match;
    }
    const chosen = task.selectedOptions[0];
    if (chosen && chosen.value && pid && chosen.dataset.project !== pid) task.value = "";
  };
  document.querySelectorAll("[data-project-select]").forEach(syncTasks);
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-project-select]")) syncTasks(event.target);
  }, true);

  const typing = (el) => el instanceof HTMLElement &&
    (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typing(event.target)) return;
    if (event.key === "s") {
      const button = document.querySelector('[data-shortcut="s"]');
      if (button) { event.preventDefault(); button.form.requestSubmit(button); }
    } else if (event.key === "n") {
      const add = document.getElementById("add-entry");
      if (add) { event.preventDefault(); add.open = true; document.getElementById("n-description").focus(); }
    }
  });
})();
