// The lab editor's CodeMirror 6 build. esbuild bundles this file and the
// packages it imports into static/vendor/codemirror.bundle.js (`make
// editor-bundle`), which defines one global, `RedriveCodeMirror`. The page's
// own behaviour (drafts, running, focus) lives in static/js/lab-editor.js, so
// changing it needs no rebuild; this file only decides what the editor is.
//
// Colours are not set here: `classHighlighter` gives tokens classes such as
// `tok-keyword`, and static/css/editor.css colours them from custom properties
// that follow the site's theme toggle and the system setting alike.

import {
  EditorView, keymap, lineNumbers, highlightActiveLineGutter, highlightSpecialChars, drawSelection, dropCursor,
  rectangularSelection, crosshairCursor, highlightActiveLine,
} from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { history, defaultKeymap, historyKeymap, indentWithTab } from "@codemirror/commands";
import { foldGutter, foldKeymap, indentOnInput, indentUnit, bracketMatching, syntaxHighlighting } from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { closeBrackets, closeBracketsKeymap, autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { python } from "@codemirror/lang-python";
import { classHighlighter } from "@lezer/highlight";

// The `codemirror` package's basicSetup, less linting (labs have no linter),
// with completion on request (Ctrl+Space) rather than while typing: a list
// that pops up and takes Enter surprises someone learning the API.
const setup = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  history(),
  foldGutter(),
  drawSelection(),
  dropCursor(),
  EditorState.allowMultipleSelections.of(true),
  indentOnInput(),
  bracketMatching(),
  closeBrackets(),
  autocompletion({ activateOnTyping: false }),
  rectangularSelection(),
  crosshairCursor(),
  highlightActiveLine(),
  highlightSelectionMatches(),
  keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap]),
];

// Surfaces take the site's custom properties (static/css/editor.css defines
// the --cm-* ones for each theme). CodeMirror's own light/dark switch
// (`darkTheme`) is set from the page as well, for the parts it draws itself:
// search panel, buttons, tooltips.
const siteTheme = EditorView.theme({
  "&": { color: "var(--code-text, var(--text))", backgroundColor: "var(--cm-bg)", fontSize: "14px" },
  "&.cm-focused": { outline: "none" }, // the wrapper draws the site's focus ring
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
  ".cm-content": { caretColor: "var(--text)", padding: "0.6rem 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)", borderLeftWidth: "2px" },
  ".cm-gutters": { backgroundColor: "var(--cm-bg)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "var(--cm-active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--cm-active-line)", color: "var(--text)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
    { backgroundColor: "var(--cm-selection)" },
  ".cm-matchingBracket, &.cm-focused .cm-matchingBracket": { backgroundColor: "var(--cm-bracket)", outline: "1px solid var(--muted)" },
  ".cm-nonmatchingBracket, &.cm-focused .cm-nonmatchingBracket": { backgroundColor: "var(--bad-soft)", color: "var(--bad)" },
  ".cm-searchMatch": { backgroundColor: "var(--cm-search)", outline: "1px solid var(--warn)" },
  ".cm-panels": { backgroundColor: "var(--surface)", color: "var(--text)" },
  ".cm-panels.cm-panels-bottom": { borderTop: "1px solid var(--border)" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--surface)", color: "var(--muted)", border: "1px solid var(--border)" },
});

// Python is indented with four spaces, never tabs (PEP 8), and so is every starter.
const INDENT = "    ";

/**
 * Replace nothing, add an editor: `parent` receives the editor's DOM.
 *
 * options.doc          initial text
 * options.labelledBy   id of the element that names the editor (its <label>)
 * options.describedBy  ids of elements that describe it (keyboard help, save status)
 * options.onChange(text)  after every change to the text
 * options.onBlur()     when focus leaves the editor
 * options.onRun()      Ctrl/Cmd+Enter; return false to let the key through
 * options.dark         whether the page is dark now; later, call setDark(bool)
 * options.nonce        the page's CSP nonce for CodeMirror's <style> element
 */
function createEditor(parent, options) {
  // tabindex: contenteditable is focusable already, but axe's
  // scrollable-region-focusable rule only counts focus it can see declared.
  const attributes = { "aria-multiline": "true", tabindex: "0" };
  if (options.labelledBy) attributes["aria-labelledby"] = options.labelledBy;
  if (options.describedBy) attributes["aria-describedby"] = options.describedBy;
  const run = options.onRun || (() => false);
  const darkness = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc || "",
      extensions: [
        // Above defaultKeymap, where Mod-Enter inserts a blank line.
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => run() !== false, preventDefault: true }])),
        setup,
        // Tab indents; CodeMirror itself lets Escape then Tab (within two
        // seconds) move focus on, so the keyboard is never trapped.
        keymap.of([indentWithTab]),
        indentUnit.of(INDENT),
        EditorState.tabSize.of(4),
        python(),
        syntaxHighlighting(classHighlighter),
        siteTheme,
        darkness.of(EditorView.darkTheme.of(Boolean(options.dark))),
        // CodeMirror styles itself through a <style> element; under a CSP without
        // 'unsafe-inline' it must carry the response's nonce.
        options.nonce ? EditorView.cspNonce.of(options.nonce) : [],
        EditorView.contentAttributes.of(attributes),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && options.onChange) options.onChange(update.state.doc.toString());
          if (update.focusChanged && !update.view.hasFocus && options.onBlur) options.onBlur();
        }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    focus: () => view.focus(),
    setDark: (dark) => view.dispatch({ effects: darkness.reconfigure(EditorView.darkTheme.of(Boolean(dark))) }),
  };
}

window.RedriveCodeMirror = { createEditor };
