// The lab page's editor, drafts and focus. Progressive enhancement only:
// without this file (or without static/vendor/codemirror.bundle.js) the page
// is a <textarea> in a form that runs, and a "Start over" link to a page that
// asks first. With it:
// - CodeMirror replaces the textarea on screen and copies every change back
//   into it, so the form (with or without htmx) still posts the textarea;
// - the code is saved as a draft on the server a second after the last
//   keystroke, when focus leaves the editor and when the tab is hidden;
// - Ctrl/Cmd+Enter runs; Esc then Tab leaves the editor (CodeMirror's own rule);
// - leaving the page while a save is pending or has failed asks first.
(function () {
  "use strict";
  const wrapper = document.querySelector("[data-lab-editor]");
  if (!wrapper) return;
  const textarea = wrapper.querySelector("textarea");
  const form = textarea.form;
  const runButton = form.querySelector(".run-button");
  const label = document.getElementById("code-label");

  const drafts = draftSaver(wrapper.dataset.draftUrl, form, document.getElementById("draft-status"));
  let getText = () => textarea.value;

  if (window.RedriveCodeMirror) {
    // The site's theme: a stored choice on <html data-theme>, else ("auto") the system's, which may change live.
    const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
    const isDark = () => {
      const theme = document.documentElement.dataset.theme;
      return theme === "dark" || (theme !== "light" && systemDark.matches);
    };
    const editor = window.RedriveCodeMirror.createEditor(wrapper, {
      doc: textarea.value,
      dark: isDark(),
      nonce: wrapper.dataset.styleNonce,
      labelledBy: label.id,
      describedBy: "editor-keys",
      onChange(text) {
        textarea.value = text;
        drafts.changed();
      },
      onBlur: () => drafts.flush(),
      onRun() {
        if (!runButton) return false; // logged out: nothing to run, let the key through
        if (!runButton.disabled) form.requestSubmit(runButton);
        return true;
      },
    });
    getText = editor.getText;
    systemDark.addEventListener("change", () => editor.setDark(isDark()));
    // After Esc, CodeMirror lets the next Tab (within two seconds) move focus
    // on; a dashed focus ring says so.
    let leavingTimer = null;
    wrapper.addEventListener("keydown", (event) => {
      if (event.key === "Shift") return; // Shift+Tab leaves backwards
      clearTimeout(leavingTimer);
      wrapper.classList.toggle("leaving", event.key === "Escape");
      if (event.key === "Escape") leavingTimer = setTimeout(() => wrapper.classList.remove("leaving"), 2000);
    });
    // The textarea stays in the form, out of sight and out of the label's reach,
    // so assistive technology meets one "Your code" field: the editor.
    textarea.hidden = true;
    label.removeAttribute("for");
    label.addEventListener("click", () => editor.focus());
    wrapper.classList.add("enhanced");
    form.querySelectorAll("[data-editor-js]").forEach((el) => { el.hidden = false; });
    form.querySelectorAll("[data-editor-nojs]").forEach((el) => { el.hidden = true; });
  } else {
    textarea.addEventListener("input", () => drafts.changed());
    textarea.addEventListener("blur", () => drafts.flush());
  }
  drafts.read = getText;

  // A plain (non-htmx) post of the form carries the code with it: no prompt then.
  form.addEventListener("submit", () => { drafts.submitting = true; });
  document.body.addEventListener("htmx:afterRequest", () => { drafts.submitting = false; });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") drafts.flush({ keepalive: true });
  });
  window.addEventListener("beforeunload", (event) => {
    if (drafts.submitting || !drafts.unsaved()) return;
    drafts.flush({ keepalive: true });
    event.preventDefault();
    event.returnValue = ""; // older browsers show the prompt only with this set
  });

  askBeforeStartingOver(drafts);
  keepFocusOnResults();

  function draftSaver(url, form, status) {
    const DELAY_MS = 1000; // after the last keystroke
    const RETRY_MS = 5000; // after the server could not be reached
    const KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KiB
    const csrf = form.querySelector("[name=csrfmiddlewaretoken]");
    let version = 0; // bumped by every change
    let savedVersion = 0; // the last version the server confirmed
    let failed = false;
    let timer = null;
    let inflight = null;
    let again = false;

    function say(text, state) {
      if (!status || status.textContent === text) return;
      status.textContent = text;
      status.dataset.state = state;
    }

    async function reason(response) {
      if (response.type === "opaqueredirect" || response.status === 401) return "you are logged out. Log in again in another tab, then keep typing.";
      if (response.status === 403) return "your session changed. Copy your code, then reload the page.";
      try {
        const body = await response.json();
        if (body.error) return body.error;
      } catch (ignored) { /* not JSON: fall through */ }
      return `the server answered ${response.status}. Trying again when you next type.`;
    }

    function save(options = {}) {
      clearTimeout(timer);
      timer = null;
      if (!url || version === savedVersion) return inflight || Promise.resolve();
      if (inflight) {
        again = true; // one more save once this one is answered
        return inflight;
      }
      const sending = version;
      const body = new URLSearchParams({ code: api.read() });
      say("Saving…", "saving");
      inflight = fetch(url, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
        credentials: "same-origin",
        redirect: "manual", // a login redirect means "logged out", not a page to parse
        keepalive: Boolean(options.keepalive) && body.toString().length < KEEPALIVE_LIMIT,
      })
        .then(async (response) => {
          if (response.status === 204) {
            failed = false;
            savedVersion = Math.max(savedVersion, sending);
            if (savedVersion === version) say("Saved", "saved");
            return;
          }
          failed = true;
          say("Not saved: " + (await reason(response)), "failed");
        })
        .catch(() => {
          failed = true;
          say("Not saved: the server cannot be reached. Trying again in a few seconds.", "failed");
          if (!timer) timer = setTimeout(save, RETRY_MS);
        })
        .finally(() => {
          inflight = null;
          if (again) {
            again = false;
            save();
          }
        });
      return inflight;
    }

    const api = {
      read: () => "",
      submitting: false,
      changed() {
        version += 1;
        if (!url) return;
        if (!failed) say("Saving…", "saving");
        clearTimeout(timer);
        timer = setTimeout(save, DELAY_MS);
      },
      flush: (options) => save(options),
      unsaved: () => Boolean(url) && (version !== savedVersion || failed),
      // Before the page replaces the draft itself: drop what is queued and let
      // a save already on its way land first, so it cannot overwrite the reset.
      async settle() {
        clearTimeout(timer);
        timer = null;
        again = false;
        if (inflight) await inflight.catch(() => {});
        savedVersion = version;
        failed = false;
      },
    };
    return api;
  }

  function askBeforeStartingOver(drafts) {
    const link = document.querySelector("[data-start-over]");
    const dialog = document.getElementById("start-over-dialog");
    if (!link || !dialog || typeof dialog.showModal !== "function") return; // the link's page asks instead
    link.addEventListener("click", (event) => {
      event.preventDefault();
      dialog.showModal();
    });
    const confirmForm = dialog.querySelector("form");
    confirmForm.addEventListener("submit", async (event) => {
      if (event.submitter && event.submitter.getAttribute("formmethod") === "dialog") return; // "Keep my code"
      event.preventDefault();
      await drafts.settle();
      drafts.submitting = true;
      confirmForm.submit(); // a plain post: the page reloads with the starter code
    });
  }

  // A run disables its button while the request is out, and a focused button
  // that is disabled drops focus to <body>; a hint's button is replaced along
  // with the hints. Put focus on the new content instead (the new hint, or the
  // verdict once it is in), so keyboard and screen-reader users land where the
  // page changed. Focus that is still somewhere (in the editor, after
  // Ctrl+Enter) is left alone: #run-announce reads the verdict out.
  function keepFocusOnResults() {
    document.body.addEventListener("htmx:afterSettle", (event) => {
      const swapped = event.target; // htmx fires this on each element it swapped in
      const active = document.activeElement;
      if (active && active !== document.body && document.contains(active)) return;
      let target = null;
      if (swapped.id === "hints") target = swapped.querySelector("[data-focus-after-swap]") || swapped.querySelector("h2");
      else if (swapped.id === "run" && !swapped.hasAttribute("hx-trigger")) target = swapped.querySelector("h2"); // polling over
      if (!target) return;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    });
  }
})();
