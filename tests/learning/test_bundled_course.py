"""The course we ship, held to issue 5's bar: every lesson complete and every
Python sample valid, so a typo in a lesson fails CI rather than a learner."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from coursefiles.frontmatter import split_front_matter
from coursefiles.kinds import course_stats
from coursefiles.markdown import fenced_blocks, render_markdown
from coursefiles.problems import Problems
from learning.content.quickchecks import parse_quiz

COURSE = Path(settings.COURSE_DIR)
LESSONS = sorted((COURSE / "lessons").rglob("*.md"))
MODULES = ("foundations", "sqs", "sns", "eventbridge", "kinesis", "msk", "patterns", "operations")


def _body(path: Path) -> tuple[dict, str, int]:
    data, body, first_line = split_front_matter(path.read_text(encoding="utf-8"))
    return data, body, first_line


def _lesson_id(path: Path) -> str:
    return str(path.relative_to(COURSE))


def test_the_bundled_course_meets_the_published_minimums():
    stats = course_stats(COURSE)
    assert stats["modules"] == len(MODULES)
    assert stats["lessons"] >= 34
    assert stats["quick_checks"] >= 110
    assert stats["cards"] >= 420
    assert stats["labs"] >= 4


def test_every_module_has_lessons_and_a_deck_of_at_least_twenty_cards():
    import yaml

    for module in MODULES:
        assert list((COURSE / "lessons" / module).glob("*.md")), f"module {module} has no lessons"
        deck = yaml.safe_load((COURSE / "decks" / f"{module}.yaml").read_text(encoding="utf-8"))
        assert len(deck["cards"]) >= 20, f"deck {module} has {len(deck['cards'])} cards"


@pytest.mark.parametrize("path", LESSONS, ids=_lesson_id)
def test_every_python_sample_in_a_lesson_compiles(path):
    _data, body, first_line = _body(path)
    for language, code, line in fenced_blocks(body, first_line=first_line):
        if language not in ("python", "py"):
            continue
        try:
            ast.parse(code, filename=str(path))
        except SyntaxError as error:
            pytest.fail(f"{_lesson_id(path)}:{line + (error.lineno or 1) - 1}: {error.msg}")


@pytest.mark.parametrize("path", LESSONS, ids=_lesson_id)
def test_every_lesson_has_a_diagram_a_quick_check_and_common_mistakes(path):
    _data, body, first_line = _body(path)
    languages = [language for language, _code, _line in fenced_blocks(body, first_line=first_line)]
    assert "diagram" in languages, "no ```diagram"
    assert languages.count("quiz") >= 1, "no ```quiz quick check"
    assert "## Common mistakes" in body, "no '## Common mistakes' section"


@pytest.mark.parametrize("path", LESSONS, ids=_lesson_id)
def test_every_lesson_is_a_real_lesson_in_length(path):
    _data, body, first_line = _body(path)
    problems = Problems()
    words = render_markdown(body, path=path, problems=problems, first_line=first_line, quiz=parse_quiz).words
    assert not problems, problems
    assert 550 <= words <= 1800, f"{words} words of prose (the course aims at 600 to 1,500)"
