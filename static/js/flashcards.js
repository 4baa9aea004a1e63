// Review keys, as set in flashcards settings (WCAG 2.1.4: they can be remapped or
// turned off). Each key clicks a visible button, so htmx (or a plain form post
// without it) does the work; with JavaScript off the buttons still work.
(function () {
  const config = document.getElementById("fc-keys");
  if (!config) return;
  const bindings = JSON.parse(config.textContent);
  if (!bindings.enabled) return;
  const targets = {
    show: '[data-action="show"]',
    again: 'button[data-rating="1"]',
    hard: 'button[data-rating="2"]',
    good: 'button[data-rating="3"]',
    easy: 'button[data-rating="4"]',
    undo: '[data-action="undo"]',
  };
  // While a swap is on its way a key waits, and acts on the new card once htmx
  // has set it up (htmx:load fires on the new element: the session is swapped
  // outerHTML, so events on the old one never reach document). A rating key
  // that waited lands on a front side, which has no rating buttons, so one
  // card is never rated twice. The timer is a backstop.
  //
  // Keys wait the same way until htmx has set up the page: it does so after
  // this script runs (on DOMContentLoaded, then htmx:load on the body), and a
  // key that clicked "Show answer" before then would follow the link's plain
  // address, a page load instead of a swap. The page says when keys act at
  // once: <html data-fc-keys="ready">. Without htmx (it failed to load), the
  // buttons' plain forms and links do the work once the page has loaded.
  let ready = false;
  let busy = false;
  let pending = null;
  let backstop = null;
  const act = (action) => {
    const button = document.querySelector("#session " + targets[action]);
    if (button) button.click();
  };
  const flush = () => {
    if (ready && !busy && pending) { const action = pending; pending = null; act(action); }
  };
  const markReady = () => {
    if (ready) return;
    ready = true;
    document.documentElement.dataset.fcKeys = "ready";
    flush();
  };
  const idle = () => {
    busy = false;
    clearTimeout(backstop);
    flush();
  };
  document.addEventListener("htmx:beforeRequest", () => { busy = true; backstop = setTimeout(idle, 5000); });
  // htmx:load first fires on the body once htmx has processed the page.
  document.addEventListener("htmx:load", markReady);
  window.addEventListener("load", () => { if (!window.htmx) markReady(); });
  // A swap is over once the new session has loaded. The navigation's due badge
  // comes in the same response (swapped out of band) and loads first: a key let
  // go then would click the old card, or a new one htmx has not set up yet.
  document.addEventListener("htmx:load", (event) => {
    if (event.target === document.body || event.target.id === "session") idle();
  });
  ["htmx:responseError", "htmx:sendError"].forEach((name) => document.addEventListener(name, idle));
  // Keyboard and screen-reader users follow the new card: focus what it asks.
  // Only when focus went with the old card (the swap dropped it to the body) or
  // stayed in the session: a learner who moved on during the swap, say to the
  // Statistics link, keeps their place, and Enter there still follows the link.
  document.addEventListener("htmx:load", (event) => {
    const target = event.target.querySelector && event.target.querySelector("[data-focus-after-swap]");
    if (!target) return;
    const active = document.activeElement;
    const session = document.getElementById("session");
    if (active && active !== document.body && !(session && session.contains(active))) return;
    target.focus({ preventScroll: true });
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const el = event.target;
    if (el.closest && el.closest("input, textarea, select, [contenteditable]")) return;
    // Enter or Space on a focused control keeps its own meaning.
    if ((event.key === "Enter" || event.key === " ") && el.closest && el.closest("a, button, summary")) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    for (const [action, keys] of Object.entries(bindings.keys)) {
      if (!keys.some((k) => (k.length === 1 ? k.toLowerCase() : k) === key)) continue;
      event.preventDefault();
      if (busy || !ready) { pending = action; return; }
      act(action);
      return;
    }
  });
})();
