"""Markdown to safe HTML for lessons, cards and lab instructions.

Authors write CommonMark plus tables, admonitions (`!!! tip "Title"`),
highlighted code fences, and two fences of our own: ```quiz (a quick check,
parsed by the caller's `quiz` function: learning's quickchecks.py for lessons)
and ```diagram (a drawn flow, see diagrams.py). Output is
split into segments so a page can put interactive quick checks between the
prose. Author HTML is sanitized with nh3; the SVG of diagrams is made by our
own code from escaped text, so it is added after sanitizing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.anchors import anchors_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from coursefiles import diagrams
from coursefiles.problems import Problems

_FORMATTER = HtmlFormatter(nowrap=True)
_MARKER = "\u2063SEG{}\u2063"
_MARKER_RE = re.compile(r"(?:<p>)?\u2063SEG(\d+)\u2063(?:</p>)?")
# Links authors may write to other lessons: lesson:slug or lesson:slug#anchor.
LESSON_LINK = re.compile(r"^lesson:([a-z0-9-]+)(#[a-z0-9-]+)?$")

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre",
    "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}


@dataclass
class Segment:
    kind: str  # "html" or "quiz"
    html: str = ""
    quiz: object | None = None  # what the caller's quiz parser returned


@dataclass
class Rendered:
    segments: list[Segment]
    toc: list[dict]  # [{"id", "title", "level"}]
    text: str  # plain prose, for search and word counts
    anchors: set[str] = field(default_factory=set)
    links: list[tuple[int, str]] = field(default_factory=list)  # (line, lesson:..., /lessons/... or /labs/... target)

    @property
    def html(self) -> str:
        return "".join(s.html for s in self.segments if s.kind == "html")

    @property
    def quick_checks(self) -> list:
        return [s.quiz for s in self.segments if s.kind == "quiz"]

    @property
    def words(self) -> int:
        return len(self.text.split())


def _highlight(code: str, lang: str, _attrs) -> str:
    try:
        lexer = get_lexer_by_name(lang or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    return pygments_highlight(code, lexer, _FORMATTER)


def _slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "section"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_slugify)
    md.use(admon_plugin)
    return md


_MD = _parser()


def render_markdown(
    text: str,
    *,
    path: Path,
    problems: Problems,
    first_line: int = 1,
    quiz: Callable[..., object | None] | None = None,
) -> Rendered:
    """Render author Markdown. Problems found (bad quiz or diagram blocks) are added
    to `problems` with lines counted from `first_line`.

    `quiz(text, *, path, first_line, problems)` parses a ```quiz fence into a spec
    with a `.question` (or None after adding problems); without it, quiz fences
    are a problem. Quick checks belong to lessons, so the lesson loader passes it."""
    tokens = _MD.parse(text)
    specials: list[Segment | str] = []
    toc: list[dict] = []
    prose: list[str] = []
    anchors: set[str] = set()
    links: list[tuple[int, str]] = []

    for index, token in enumerate(tokens):
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "heading_open" and token.attrGet("id"):
            anchor = str(token.attrGet("id"))
            anchors.add(anchor)
            if token.tag in ("h2", "h3"):
                toc.append({"id": anchor, "title": tokens[index + 1].content, "level": int(token.tag[1])})
        elif token.type == "inline":
            prose.append(_plain_text(token))
            for child in token.children or []:
                href = child.attrGet("href") if child.type == "link_open" else None
                if href and href.startswith(("lesson:", "/lessons/", "/labs/")):
                    links.append((line, str(href)))
                    match = LESSON_LINK.match(str(href))
                    if match:
                        child.attrSet("href", f"/lessons/{match.group(1)}/{match.group(2) or ''}")
        elif token.type == "fence":
            name = token.info.strip().split(" ")[0]
            body_line = line + 1
            if name == "quiz":
                if quiz is None:
                    problems.add(path, line, "quick checks are only allowed in lessons")
                    spec = None
                else:
                    spec = quiz(token.content, path=path, first_line=body_line, problems=problems)
                if spec is not None:
                    prose.append(spec.question)
                token.type = "html_block"
                token.content = _MARKER.format(len(specials)) + "\n"
                specials.append(Segment("quiz", quiz=spec) if spec else Segment("html"))
            elif name == "diagram":
                svg = diagrams.render_block(token.content, path=path, first_line=body_line, problems=problems)
                token.type = "html_block"
                token.content = _MARKER.format(len(specials)) + "\n"
                specials.append(svg)

    # html_block tokens only carry our markers: the "html" option stays off for authors.
    md_html = _MD.renderer.render(tokens, _MD.options, {})
    safe = nh3.clean(
        md_html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )
    segments: list[Segment] = []
    position = 0
    for match in _MARKER_RE.finditer(safe):
        segments.append(Segment("html", html=safe[position : match.start()]))
        special = specials[int(match.group(1))]
        segments.append(special if isinstance(special, Segment) else Segment("html", html=special))
        position = match.end()
    segments.append(Segment("html", html=safe[position:]))
    segments = _merge_html(segments)
    return Rendered(segments=segments, toc=toc, text=" ".join(prose), anchors=anchors, links=links)


def _plain_text(inline) -> str:
    """The words of an inline token without Markdown syntax (for search and word counts)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _merge_html(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if segment.kind == "html" and merged and merged[-1].kind == "html":
            merged[-1] = Segment("html", html=merged[-1].html + segment.html)
        elif segment.kind != "html" or segment.html.strip():
            merged.append(segment)
    return merged


def fenced_blocks(text: str, *, first_line: int = 1) -> list[tuple[str, str, int]]:
    """Every fenced block as (language, code, line of its first code line), including
    fences inside admonitions. Tests use it to compile the course's Python samples."""
    blocks = []
    for token in _MD.parse(text):
        if token.type == "fence" and token.map:
            language = token.info.strip().split(" ")[0]
            blocks.append((language, token.content, first_line + token.map[0] + 1))
    return blocks
