"""Every token colour of the lab editor (static/css/editor.css) reaches WCAG
AA, 4.5:1, on the editor's background (site.css's --code-bg) and on its
active-line band, in the light theme and in the dark one, whether the dark
theme is chosen with the toggle or taken from the system setting. The browser
test measures the colours a page shows; this covers tokens no page uses."""

import re
from pathlib import Path

from tests.test_code_contrast import _ratio

STATIC = Path(__file__).resolve().parents[2] / "static" / "css"
EDITOR_CSS = (STATIC / "editor.css").read_text()
SITE_CSS = (STATIC / "site.css").read_text()


def _blocks(css: str) -> list[str]:
    """The bodies of the :root rules in order: light, system-dark, toggle-dark."""
    return re.findall(r":root(?:\[data-theme=\"\w+\"\])? \{([^}]*)\}", css)


def _properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+): (#[0-9a-fA-F]{6})", block))


def test_token_colours_reach_4_5_to_1_on_the_editor_and_its_active_line_in_every_theme():
    editor, site = _blocks(EDITOR_CSS), _blocks(SITE_CSS)
    assert len(editor) == 3 and len(site) == 3, (len(editor), len(site))
    assert _properties(editor[1]) == _properties(editor[2])  # toggle and system setting agree
    failures = []
    light = _properties(editor[0])
    for name, theme, site_block in (("light", light, site[0]), ("dark", {**light, **_properties(editor[2])}, site[2])):
        backgrounds = {"code-bg": _properties(site_block)["code-bg"], "cm-active-line": theme["cm-active-line"]}
        tokens = {k: v for k, v in theme.items() if k.startswith("tok-")}
        assert len(tokens) >= 9, tokens
        failures += [
            f"{name} --{token} {colour} on --{where} {bg}: {_ratio(colour, bg):.2f}:1"
            for token, colour in tokens.items()
            for where, bg in backgrounds.items()
            if _ratio(colour, bg) < 4.5
        ]
    assert not failures, "\n".join(failures)
