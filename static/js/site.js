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

// Wide code, tables and diagrams scroll inside their own box. Where one overflows,
// make it reachable by keyboard (Tab to it, then the arrow keys scroll it) and
// mark it, which shows a diagram's "Scroll sideways" hint. Boxes that fit get
// neither, so they add no extra stop to the tab order.
(function () {
  const SELECTOR = "pre:not(.editor-highlight), [data-scroll-x], .prose table, .table-scroll, .fc-scroll";
  function mark(root) {
    root.querySelectorAll(SELECTOR).forEach((box) => {
      const overflows = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("is-scrollable", overflows);
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "";
      } else if (!overflows && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  mark(document);
  document.addEventListener("htmx:afterSwap", (event) => mark(event.detail.target));
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => mark(document));
  });
})();

// A lesson's contents list starts folded on a narrow screen (open without JavaScript).
(function () {
  const toc = document.querySelector("details[data-toc]");
  if (toc && window.matchMedia("(max-width: 900px)").matches) toc.open = false;
})();
