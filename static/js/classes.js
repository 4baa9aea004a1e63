// Class forms carry the browser's time zone in a hidden field, so due dates can
// be shown in the learner's zone without asking; the server falls back to UTC.
(function () {
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll('input[type=hidden][name=tz]').forEach((input) => { if (!input.value) input.value = zone; });
  // The chooser shows the zone due dates are in (as the heading says); when the
  // browser's differs, say so beside it rather than preselecting it, which made
  // the menu and the heading disagree until saved.
  const hint = document.querySelector("[data-browser-zone]");
  if (hint && hint.dataset.shownZone !== zone) {
    hint.textContent = "Your browser is on " + zone + " time.";
    hint.hidden = false;
  }
})();

// Forms that undo something ask first; without JavaScript they simply submit.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// The join link selects itself when focused, ready to copy.
document.querySelectorAll("input[data-select-on-focus]").forEach((input) => {
  input.addEventListener("focus", () => input.select());
});
