"""Cloze text: `{{c1::answer}}` or `{{c1::answer::hint}}`; one card per number.

The front of card n shows its gaps as `[…]` (or `[hint]`) and every other
cloze as plain text; the back shows the whole text with card n's answers
marked. Markdown is rendered first with markers in place of the clozes, and
the gaps are put in afterwards from sanitized pieces.
"""

import re
from html import escape

from coursefiles.markdown import render_markdown
from coursefiles.problems import Problems

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_MARKER = "\u2063CZ{}\u2063"


def cloze_numbers(text: str) -> list[int]:
    return sorted({int(m.group(1)) for m in CLOZE.finditer(text)})


def _inline(markdown: str, path, problems: Problems) -> str:
    html = render_markdown(markdown, path=path, problems=problems).html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def cloze_side(text: str, number: int, *, answer: bool) -> str:
    """Markdown for one side of card `number`, for plain-text exports: gaps as [...]."""

    def swap(match: re.Match) -> str:
        if int(match.group(1)) != number:
            return match.group(2)
        if answer:
            return match.group(2)
        return f"[{match.group(3) or '...'}]"

    return CLOZE.sub(swap, text)


def render_cloze(text: str, number: int, *, path, problems: Problems) -> tuple[str, str]:
    """HTML (front, back) for card `number` of a cloze text."""
    pieces: list[re.Match] = []

    def mark(match: re.Match) -> str:
        pieces.append(match)
        return _MARKER.format(len(pieces) - 1)

    marked = CLOZE.sub(mark, text)
    body = render_markdown(marked, path=path, problems=problems).html
    front = back = body
    for i, match in enumerate(pieces):
        marker = _MARKER.format(i)
        answer_html = _inline(match.group(2), path, problems)
        if int(match.group(1)) == number:
            gap = escape(match.group(3) or "…")
            front = front.replace(marker, f'<span class="cloze-gap">[{gap}]</span>')
            back = back.replace(marker, f'<mark class="cloze-answer">{answer_html}</mark>')
        else:
            front = front.replace(marker, answer_html)
            back = back.replace(marker, answer_html)
    return front, back
