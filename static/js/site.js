// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // Move focus to swapped-in content that asks for it, so keyboard and screen-reader users follow the change.
  const target = event.detail.target.querySelector("[data-focus-after-swap]");
  if (target) target.focus();
});

// With no stored choice the page follows the system theme, which the server cannot see:
// make the toggle offer the opposite of what is actually shown.
(function () {
  const root = document.documentElement;
  if (root.dataset.theme !== "auto" || !window.matchMedia("(prefers-color-scheme: dark)").matches) return;
  const button = document.querySelector(".theme-form button[name=theme]");
  if (!button) return;
  button.value = "light";
  button.setAttribute("aria-label", "Switch to light theme");
  button.querySelector("span").textContent = "\u2600";
})();
