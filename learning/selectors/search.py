"""Lesson search: PostgreSQL full-text search with ranking and highlighted
snippets where available; on SQLite, a term-matching fallback ranked in Python."""

import re
from dataclasses import dataclass
from html import escape

from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from learning.models import Lesson

MAX_RESULTS = 25


@dataclass
class SearchHit:
    lesson: Lesson
    snippet: SafeString
    rank: float


def search_lessons(*, query: str) -> list[SearchHit]:
    query = " ".join(query.split())[:200]
    if not query:
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(query)
    return _search_fallback(query)


def _search_postgres(query: str) -> list[SearchHit]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("search_text", weight="C", config="english")
    )
    search = SearchQuery(query, search_type="websearch", config="english")
    rows = (
        Lesson.objects.filter(is_active=True)
        .annotate(rank=SearchRank(vector, search))
        .filter(rank__gt=0.0)
        .annotate(
            snippet=SearchHeadline(
                "search_text", search, config="english", start_sel="\x02", stop_sel="\x03", max_words=30, min_words=12
            )
        )
        .select_related("module")
        .order_by("-rank", "title")[:MAX_RESULTS]
    )
    return [SearchHit(row, _marked(row.snippet), row.rank) for row in rows]


def _marked(text: str) -> SafeString:
    # Escape first, then turn the sentinels into <mark>: lesson text can never inject HTML.
    return mark_safe(escape(text).replace("\x02", "<mark>").replace("\x03", "</mark>"))


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"[\w-]+", query.lower()) if len(t) > 1]


def _search_fallback(query: str) -> list[SearchHit]:
    terms = _terms(query)
    if not terms:
        return []
    hits = []
    for lesson in Lesson.objects.filter(is_active=True).select_related("module"):
        title, summary, body = lesson.title.lower(), lesson.summary.lower(), lesson.search_text.lower()
        rank = 0.0
        for term in terms:
            rank += 3 * title.count(term) + 2 * summary.count(term) + min(body.count(term), 20) * 0.2
        if rank > 0 and all(term in f"{title} {summary} {body}" for term in terms):
            hits.append(SearchHit(lesson, _snippet(lesson.search_text, terms), rank))
    hits.sort(key=lambda h: (-h.rank, h.lesson.title))
    return hits[:MAX_RESULTS]


def _snippet(text: str, terms: list[str], width: int = 220) -> SafeString:
    lower = text.lower()
    positions = [lower.find(t) for t in terms if lower.find(t) >= 0]
    start = max(0, min(positions) - 60) if positions else 0
    end = start + width
    # Cut at word boundaries, so the snippet never opens or closes mid-word.
    if start > 0:
        space = text.find(" ", start, min(positions) if positions else start + 60)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    marked = pattern.sub(lambda m: f"\x02{m.group(0)}\x03", piece)
    prefix = "\u2026" if start > 0 else ""
    suffix = "\u2026" if end < len(text) else ""
    return _marked(prefix + marked + suffix)
