// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // Move focus to swapped-in content that asks for it, so keyboard and screen-reader users follow the change.
  const target = event.detail.target.querySelector("[data-focus-after-swap]");
  if (target) target.focus();
});
