from pathlib import Path

from coursefiles.markdown import render_markdown
from coursefiles.problems import Problems


def _render(text, **kw):
    problems = Problems()
    rendered = render_markdown(text, path=Path("x.md"), problems=problems, **kw)
    return rendered, problems


def test_raw_html_from_authors_is_escaped_not_run():
    rendered, _ = _render("Hello <script>alert(1)</script> <img src=x onerror=alert(1)>")
    assert "<script>" not in rendered.html
    assert "onerror" not in rendered.html or "&lt;img" in rendered.html


def test_javascript_links_are_dropped():
    rendered, _ = _render("[click](javascript:alert(1))")
    assert "href=\"javascript" not in rendered.html


def test_code_fences_are_highlighted():
    rendered, _ = _render("```python\nimport boto3\n```\n")
    assert '<span class="kn">import</span>' in rendered.html


def test_tables_keep_their_alignment():
    rendered, _ = _render("| a | b |\n|--:|---|\n| 1 | 2 |\n")
    assert '<td style="text-align:right">1</td>' in rendered.html


def test_admonitions_render_with_their_title():
    rendered, _ = _render('!!! warning "Careful"\n    Body text.\n')
    assert 'class="admonition warning"' in rendered.html
    assert "Careful" in rendered.html


def test_headings_get_anchors_and_a_table_of_contents():
    rendered, _ = _render("## First part\n\n### A detail\n\n#### Too deep\n")
    assert 'id="first-part"' in rendered.html
    assert rendered.toc == [
        {"id": "first-part", "title": "First part", "level": 2},
        {"id": "a-detail", "title": "A detail", "level": 3},
    ]


def test_lesson_links_become_site_urls():
    rendered, _ = _render("[see](lesson:visibility#how-it-works)")
    assert 'href="/lessons/visibility/#how-it-works"' in rendered.html
    assert rendered.links == [(1, "lesson:visibility#how-it-works")]


def test_diagram_text_is_escaped_in_the_svg():
    text = "```diagram\ntitle: t <b>\nnodes:\n  a: '<script>x</script>'\n  b: B\nedges:\n  - a -> b: '&go'\n```\n"
    rendered, problems = _render(text)
    assert not problems
    assert "<svg" in rendered.html
    assert "<script>x" not in rendered.html
    assert "&lt;script&gt;" in rendered.html and "&amp;go" in rendered.html


def test_quiz_outside_lessons_is_a_problem():
    _rendered, problems = _render("```quiz\nid: qc-x-1\nquestion: q\nanswer: true\ntype: truefalse\nexplain: e\n```\n")
    assert [p.message for p in problems] == ["quick checks are only allowed in lessons"]


def test_word_count_covers_prose_not_code():
    rendered, _ = _render("One two three.\n\n```python\nx = 1\n```\n")
    assert rendered.words == 3


def test_search_text_has_words_not_markdown_syntax():
    rendered, _ = _render("Use `DeleteMessage` and [the docs](https://example.com) **now**.")
    assert rendered.text == "Use DeleteMessage and the docs now."
