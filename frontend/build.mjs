// Builds ../static/vendor/codemirror.bundle.js from src/codemirror.js.
// Run through `make editor-bundle` (npm ci, then this), never by hand-editing
// the output. The banner names every package inside the bundle with the exact
// version package-lock.json pinned, so a reader (and tests/labs/test_editor_bundle.py)
// can tell which CodeMirror the committed file holds.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const lock = JSON.parse(readFileSync(new URL("./package-lock.json", import.meta.url)));
const OUT = "../static/vendor/codemirror.bundle.js";

function packageOf(input) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  return match && match[1];
}

// First pass: which packages does tree-shaking keep?
const probe = await build({
  entryPoints: ["src/codemirror.js"], bundle: true, minify: true, write: false, metafile: true, format: "iife",
  target: "es2020", logLevel: "error",
});
const bytes = {};
for (const [input, info] of Object.entries(Object.values(probe.metafile.outputs)[0].inputs)) {
  const name = packageOf(input);
  if (name && info.bytesInOutput > 0) bytes[name] = (bytes[name] || 0) + info.bytesInOutput;
}
const names = Object.keys(bytes).sort();
const listed = names.map((name) => `${name}@${lock.packages["node_modules/" + name].version}`);

const banner = [
  "/*! Redrive lab editor: CodeMirror 6 and its Python mode, bundled by frontend/build.mjs",
  " * (`make editor-bundle`; do not edit by hand). Packages (MIT licensed):",
  ...listed.map((entry) => ` *   ${entry}`),
  " */",
].join("\n");

await build({
  entryPoints: ["src/codemirror.js"], bundle: true, minify: true, format: "iife", target: "es2020",
  legalComments: "none", banner: { js: banner }, outfile: OUT, logLevel: "info",
});
