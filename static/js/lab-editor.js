// The lab code editor: a plain <textarea> (which works without this file) with a
// highlighted copy of its text drawn underneath. Tab indents, but the editor
// never traps the keyboard: Esc, then Tab, moves focus on as usual.
(function () {
  "use strict";
  const KEYWORDS = new Set(("and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield match case").split(" "));
  const CONSTANTS = new Set(["True", "False", "None"]);
  const BUILTINS = new Set(("print len range str int float dict list set tuple bool isinstance enumerate zip sorted " +
    "min max sum any all open repr type object Exception ValueError KeyError TypeError RuntimeError super").split(" "));
  // One pass over the source: strings and comments first, so keywords inside them stay plain.
  const TOKEN = /([rRbBfFuU]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?))|(#[^\n]*)|(@[A-Za-z_][\w.]*)|\b(\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\b|([A-Za-z_]\w*)/g;

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function highlight(source) {
    let out = "", last = 0, previousWord = "", match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(source)) !== null) {
      out += escapeHtml(source.slice(last, match.index));
      last = TOKEN.lastIndex;
      const text = escapeHtml(match[0]);
      let cls = "";
      if (match[1] !== undefined) cls = "s2";
      else if (match[2] !== undefined) cls = "c1";
      else if (match[3] !== undefined) cls = "nd";
      else if (match[4] !== undefined) cls = "mi";
      else if (match[5] !== undefined) {
        const word = match[5];
        if (KEYWORDS.has(word)) cls = "k";
        else if (CONSTANTS.has(word)) cls = "kc";
        else if (previousWord === "def") cls = "nf";
        else if (previousWord === "class") cls = "nc";
        else if (word === "self") cls = "bp";
        else if (BUILTINS.has(word)) cls = "nb";
        previousWord = word;
      }
      out += cls ? `<span class="${cls}">${text}</span>` : text;
    }
    // A trailing newline needs a character after it, or the copy is a line short.
    return out + escapeHtml(source.slice(last)) + "\n ";
  }

  function insert(textarea, text) {
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
      textarea.dispatchEvent(new Event("input"));
    }
  }

  function lineStart(value, index) {
    return value.lastIndexOf("\n", index - 1) + 1;
  }

  function indentSelection(textarea, outdent) {
    const value = textarea.value;
    const start = lineStart(value, textarea.selectionStart);
    let end = textarea.selectionEnd;
    if (end > start && value[end - 1] === "\n") end -= 1;
    const block = value.slice(start, end);
    const changed = block.split("\n").map((line) => outdent ? line.replace(/^ {1,4}/, "") : "    " + line).join("\n");
    textarea.setSelectionRange(start, end);
    insert(textarea, changed);
    textarea.setSelectionRange(start, start + changed.length);
  }

  function enhance(wrapper) {
    const textarea = wrapper.querySelector("textarea");
    const pre = document.createElement("pre");
    pre.className = "editor-highlight";
    pre.setAttribute("aria-hidden", "true");
    const code = document.createElement("code");
    pre.appendChild(code);
    wrapper.insertBefore(pre, textarea);
    wrapper.classList.add("enhanced");
    const form = textarea.form;
    form.querySelectorAll("[data-editor-js]").forEach((el) => { el.hidden = false; });
    form.querySelectorAll("[data-editor-nojs]").forEach((el) => { el.hidden = true; });

    const render = () => { code.innerHTML = highlight(textarea.value); sync(); };
    const sync = () => { pre.scrollTop = textarea.scrollTop; pre.scrollLeft = textarea.scrollLeft; };
    let leaving = false;  // set by Esc: the next Tab is the browser's, not an indent

    textarea.addEventListener("input", render);
    textarea.addEventListener("scroll", sync);
    textarea.addEventListener("blur", () => { leaving = false; wrapper.classList.remove("leaving"); });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        leaving = true;
        wrapper.classList.add("leaving");
        return;
      }
      if (event.key === "Tab" && !leaving && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        const multiline = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd).includes("\n");
        if (event.shiftKey || multiline) indentSelection(textarea, event.shiftKey);
        else insert(textarea, "    ");
        return;
      }
      if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) {
        // Keep the current indentation, one level deeper after a colon.
        const value = textarea.value;
        const start = lineStart(value, textarea.selectionStart);
        const line = value.slice(start, textarea.selectionStart);
        let indent = line.match(/^\s*/)[0];
        if (/:\s*(#.*)?$/.test(line)) indent += "    ";
        event.preventDefault();
        insert(textarea, "\n" + indent);
      }
      if (event.key !== "Tab" && event.key !== "Shift") { leaving = false; wrapper.classList.remove("leaving"); }
    });
    render();
  }

  document.querySelectorAll("[data-lab-editor]").forEach(enhance);
})();
