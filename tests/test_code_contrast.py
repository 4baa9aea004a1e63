"""Every syntax colour in static/css/code.css reaches WCAG AA (4.5:1) on the code
background its theme gives it in static/css/site.css, and the dark theme looks
the same whether chosen with the toggle or taken from the system setting. The
browser test measures the colours a page actually shows; this one covers the
token colours no tested page happens to use."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"
CODE_CSS = (STATIC / "code.css").read_text()
SITE_CSS = (STATIC / "site.css").read_text()
RULE = re.compile(r"^(?P<selector>[^{}\n]*pre (?:code )?\.(?P<token>[\w-]+)) \{ (?P<body>[^}]*)\}", re.M)


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ratio(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _colours_by_theme() -> dict[str, dict[str, str]]:
    themes: dict[str, dict[str, str]] = {"light": {}, "dark": {}, "auto": {}}
    for rule in RULE.finditer(CODE_CSS):
        colour = re.search(r"(?<![-\w])color: (#[0-9A-Fa-f]{3,6})\b", rule["body"])
        if not colour:
            continue
        theme = "dark" if '"dark"' in rule["selector"] else "auto" if '"auto"' in rule["selector"] else "light"
        themes[theme][rule["token"]] = colour.group(1)
    return themes


def _code_backgrounds() -> tuple[str, list[str]]:
    values = re.findall(r"--code-bg: (#[0-9a-fA-F]{6})", SITE_CSS)
    return values[0], values[1:]


def test_every_token_colour_reaches_4_5_to_1_on_its_themes_code_background():
    light_bg, dark_bgs = _code_backgrounds()
    assert len(dark_bgs) == 2 and dark_bgs[0] == dark_bgs[1], dark_bgs  # toggle and system setting agree
    themes = _colours_by_theme()
    assert len(themes["light"]) > 40 and len(themes["dark"]) > 40, {k: len(v) for k, v in themes.items()}
    failures = [
        f"{theme} .{token} {colour} on {bg}: {_ratio(colour, bg):.2f}:1"
        for theme, bg in (("light", light_bg), ("dark", dark_bgs[0]), ("auto", dark_bgs[0]))
        for token, colour in themes[theme].items()
        if _ratio(colour, bg) < 4.5
    ]
    assert not failures, "\n".join(failures)


def test_plain_code_text_reaches_4_5_to_1_in_both_themes():
    light_bg, dark_bgs = _code_backgrounds()
    texts = re.findall(r"--code-text: (#[0-9a-fA-F]{6})", SITE_CSS)
    assert _ratio(texts[0], light_bg) >= 4.5
    assert all(_ratio(text, dark_bgs[0]) >= 4.5 for text in texts[1:])


def test_the_system_dark_theme_colours_code_as_the_toggle_does():
    themes = _colours_by_theme()
    assert themes["auto"] == themes["dark"]


def test_dark_code_never_inherits_a_light_token_colour():
    # Tokens coloured in light but not in dark would keep the light colour on the
    # dark background; the dark themes reset every span to the code text first.
    themes = _colours_by_theme()
    if set(themes["light"]) - set(themes["dark"]):
        for theme in ("dark", "auto"):
            assert f':root[data-theme="{theme}"] pre code span {{ color: inherit;' in CODE_CSS


def test_the_code_element_draws_no_background_of_its_own():
    # The pre draws the background; a background on <code> boxed each line in light theme.
    assert re.search(r"^pre code \{ background: none;", CODE_CSS, re.M)
