"""Search snippets (the fallback engine's) open and close on whole words."""

from learning.selectors.search import _snippet

TEXT = " ".join(f"word{n}" for n in range(60)) + " the visibility timeout decides " + " ".join(f"tail{n}" for n in range(80))


def test_a_snippet_starts_and_ends_on_a_word_and_marks_the_terms():
    html = str(_snippet(TEXT, ["visibility"]))
    assert html.startswith("\u2026word")
    body = html.removeprefix("\u2026").removesuffix("\u2026")
    assert all(token in TEXT.split() or "visibility" in token for token in body.split())
    assert "<mark>visibility</mark>" in html
    assert html.endswith("\u2026")


def test_a_term_near_the_start_needs_no_leading_ellipsis():
    assert not str(_snippet("Queues hold messages until a consumer deletes them.", ["queues"])).startswith("\u2026")
