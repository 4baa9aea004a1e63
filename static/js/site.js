// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // Move focus to swapped-in content that asks for it, so keyboard and screen-reader users follow the change.
  // htmx fires this on each new element (event.target); event.detail.target is
  // the element swapped out, which an outerHTML swap has taken out of the page.
  const root = event.target;
  if (!root || !root.querySelector) return;
  const target = root.matches("[data-focus-after-swap]") ? root : root.querySelector("[data-focus-after-swap]");
  if (target) target.focus();
});

// A 422 answer is a form's "not like that" (a quick check with nothing chosen):
// the server renders the form with its message for the request's target. htmx
// swaps no 4xx by default, which dropped the message; swap these.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
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
