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
import { EditorState, Prec } from "@codemirror/state";
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
 */
function createEditor(parent, options) {
  const attributes = { "aria-multiline": "true" };
  if (options.labelledBy) attributes["aria-labelledby"] = options.labelledBy;
  if (options.describedBy) attributes["aria-describedby"] = options.describedBy;
  const run = options.onRun || (() => false);
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
  };
}

window.RedriveCodeMirror = { createEditor };
