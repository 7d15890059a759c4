// punchclock: behaviour every page shares. Pages work without it; it only makes them quicker to use.
"use strict";
document.documentElement.classList.add("js");

window.punchclock = {
  csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  },
  // POST a form body (URLSearchParams or FormData) from a page script; resolves to the JSON answer.
  async post(url, body) {
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRF-Token": this.csrf(), Accept: "application/json" },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  },
};

document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) el.form.requestSubmit();
});

// The menu is a disclosure on small screens and always open on wide ones.
const menu = document.querySelector("details.menu");
if (menu) {
  const wide = window.matchMedia("(min-width: 900px)");
  const sync = () => { menu.open = wide.matches; };
  sync();
  wide.addEventListener("change", sync);
}

// A table wider than its box scrolls inside it: keyboard users must be able to reach it (WCAG 2.1.1).
const scrollBoxes = document.querySelectorAll(".table-wrap");
const reachable = () => scrollBoxes.forEach((box) => {
  if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
  else box.removeAttribute("tabindex");
});
reachable();
window.addEventListener("resize", reachable);
