// Class forms carry the browser's time zone in a hidden field, so due dates can
// be shown in the learner's zone without asking; the server falls back to UTC.
(function () {
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll('input[type=hidden][name=tz]').forEach((input) => { if (!input.value) input.value = zone; });
  // Until a zone is chosen, preselect the browser's in the chooser.
  const select = document.querySelector("select[data-browser-default]");
  if (select && [...select.options].some((o) => o.value === zone)) select.value = zone;
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
