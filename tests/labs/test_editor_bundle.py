"""The committed CodeMirror bundle matches what frontend/ pins: the versions
its banner lists are the lock file's, every direct dependency is pinned to an
exact version, and the lab page loads the bundle before the script using it."""

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
BUNDLE = REPO / "static" / "vendor" / "codemirror.bundle.js"


def _banner_packages() -> dict[str, str]:
    head = BUNDLE.read_text()[:4000].split("*/", 1)[0]
    return dict(re.findall(r"^ \*   ((?:@[\w-]+/)?[\w.-]+)@(\S+)$", head, re.M))


def test_the_bundle_lists_the_locked_version_of_every_package_in_it():
    locked = json.loads((FRONTEND / "package-lock.json").read_text())["packages"]
    listed = _banner_packages()
    assert {"@codemirror/view", "@codemirror/lang-python", "@codemirror/search", "@lezer/python"} <= listed.keys()
    assert {name: locked[f"node_modules/{name}"]["version"] for name in listed} == listed


def test_every_direct_dependency_is_pinned_exactly():
    package = json.loads((FRONTEND / "package.json").read_text())
    pins = {**package["dependencies"], **package["devDependencies"]}
    assert "esbuild" in pins and "@codemirror/lang-python" in pins
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pins.values()), pins
    locked = json.loads((FRONTEND / "package-lock.json").read_text())["packages"]
    assert {name: locked[f"node_modules/{name}"]["version"] for name in pins} == pins


def test_the_lab_page_loads_the_bundle_before_the_editor_script(client, lab):
    body = client.get(f"/labs/{lab.slug}/").content.decode()
    bundle, script = body.index("vendor/codemirror.bundle.js"), body.index("js/lab-editor.js")
    assert bundle < script  # both deferred: they run in document order
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []  # no inline script: the CSP allows files only
