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
  let busy = false;
  document.addEventListener("htmx:beforeRequest", () => { busy = true; });
  document.addEventListener("htmx:afterSettle", () => { busy = false; });
  document.addEventListener("htmx:responseError", () => { busy = false; });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const el = event.target;
    if (el.closest && el.closest("input, textarea, select, [contenteditable]")) return;
    // Enter or Space on a focused control keeps its own meaning.
    if ((event.key === "Enter" || event.key === " ") && el.closest && el.closest("a, button, summary")) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    for (const [action, keys] of Object.entries(bindings.keys)) {
      if (!keys.some((k) => (k.length === 1 ? k.toLowerCase() : k) === key)) continue;
      const button = document.querySelector("#session " + targets[action]);
      if (!button) continue;
      event.preventDefault();
      if (busy) return; // one rating per card: ignore keys while a swap is on its way
      button.click();
      return;
    }
  });
})();
