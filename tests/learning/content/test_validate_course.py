"""validate_course names every problem as path:line: message and exits non-zero."""

import re

import pytest
from django.core.management import CommandError, call_command


def _validate(path, capsys):
    with pytest.raises(CommandError) as excinfo:
        call_command("validate_course", str(path), "--skip-lab-grading")
    out = capsys.readouterr().out
    return out, str(excinfo.value)


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_fixture_course_is_valid(db, course_copy, capsys):
    call_command("validate_course", str(course_copy), "--skip-lab-grading")
    assert ": OK" in capsys.readouterr().out


def test_every_problem_is_reported_as_path_line_message(db, course_copy, capsys):
    _edit(course_copy / "lessons/basics/01-events.md", "id: les-events-0001", "id: les-visibility-0002")
    _edit(course_copy / "lessons/queues/02-dlq.md", "module: queues", "module: streams")
    out, error = _validate(course_copy, capsys)
    lines = out.strip().splitlines()
    assert all(re.match(r"^\S+:\d+: .+", line) for line in lines), lines
    assert "2 problem(s)" in error or len(lines) >= 2
    assert any("01-events.md:2: duplicate lesson id 'les-visibility-0002'" in l or "duplicate lesson id" in l for l in lines)
    assert any(l.endswith("unknown module 'streams' (course.yaml has: basics, queues)") and "02-dlq.md:6:" in l for l in lines)


def test_bad_yaml_in_front_matter_names_its_line(db, course_copy, capsys):
    _edit(course_copy / "lessons/queues/02-dlq.md", "tags: [sqs, dlq]", "tags: [sqs, dlq")
    out, _ = _validate(course_copy, capsys)
    assert re.search(r"02-dlq\.md:\d+: invalid YAML", out)


def test_a_missing_id_is_reported(db, course_copy, capsys):
    _edit(course_copy / "lessons/queues/02-dlq.md", "id: les-dlq-0003\n", "")
    out, _ = _validate(course_copy, capsys)
    assert "02-dlq.md:2: lesson is missing its stable 'id'" in out


def test_a_duplicate_slug_is_reported(db, course_copy, capsys):
    _edit(course_copy / "lessons/queues/02-dlq.md", "slug: dead-letters", "slug: visibility")
    out, _ = _validate(course_copy, capsys)
    assert "duplicate lesson slug 'visibility'" in out


def test_a_broken_internal_link_names_the_missing_section(db, course_copy, capsys):
    _edit(course_copy / "lessons/basics/01-events.md", "lesson:visibility#how-it-works", "lesson:visibility#nowhere")
    out, _ = _validate(course_copy, capsys)
    assert re.search(r"01-events\.md:\d+: broken internal link: lesson 'visibility' has no section '#nowhere'", out)


def test_a_link_to_a_missing_lesson_is_reported(db, course_copy, capsys):
    _edit(course_copy / "lessons/basics/01-events.md", "lesson:visibility#how-it-works", "lesson:kinesis-shards")
    out, _ = _validate(course_copy, capsys)
    assert "broken internal link: no lesson with slug 'kinesis-shards'" in out


def test_a_link_to_a_lab_is_checked_against_the_lab_folders(db, course_copy, capsys):
    _edit(course_copy / "lessons/basics/01-events.md", "lesson:visibility#how-it-works", "/labs/jobs-queue/")
    call_command("validate_course", str(course_copy), "--skip-lab-grading")
    assert ": OK" in capsys.readouterr().out
    _edit(course_copy / "lessons/basics/01-events.md", "/labs/jobs-queue/", "/labs/jobs-queues/")
    out, _ = _validate(course_copy, capsys)
    assert re.search(r"01-events\.md:\d+: broken internal link: no lab with slug 'jobs-queues'", out)


def test_a_single_choice_check_with_two_right_answers_is_malformed(db, course_copy, capsys):
    _edit(course_copy / "lessons/basics/01-events.md", "  - text: PlaceOrder\n", "  - text: PlaceOrder\n    correct: true\n")
    out, _ = _validate(course_copy, capsys)
    assert "01-events.md:41: a single-choice quick check needs exactly one correct option, found 2" in out


def test_a_true_false_check_needs_an_answer(db, course_copy, capsys):
    _edit(course_copy / "lessons/queues/01-visibility.md", "answer: true\n", "")
    out, _ = _validate(course_copy, capsys)
    assert "a true/false quick check needs 'answer: true' or 'answer: false'" in out


def test_a_diagram_edge_to_an_unknown_node_is_reported(db, course_copy, capsys):
    _edit(course_copy / "lessons/basics/01-events.md", "  - topic -> ship\n", "  - topic -> billing\n")
    out, _ = _validate(course_copy, capsys)
    assert re.search(r"01-events\.md:\d+: diagram edge names unknown node 'billing'", out)


def test_a_missing_course_folder_is_a_problem_not_a_crash(db, tmp_path, capsys):
    out, _ = _validate(tmp_path / "nowhere", capsys)
    assert "course folder does not exist" in out


GUESSABLE = """
```quiz
id: qc-visibility-guessable
type: single
question: What does a consumer do after processing a message?
options:
  - text: It calls DeleteMessage with the receipt handle it was given, so the message is gone for good.
    correct: true
    why: Deleting is how a consumer says it is done.
  - text: Nothing.
    why: The message comes back when its timeout ends.
  - text: Waits.
    why: Waiting changes nothing.
```
"""


def test_a_guessable_single_choice_check_is_a_warning_that_names_its_line_and_still_validates(db, course_copy, capsys):
    lesson = course_copy / "lessons/queues/01-visibility.md"
    lesson.write_text(lesson.read_text() + GUESSABLE)
    line = lesson.read_text().splitlines().index("id: qc-visibility-guessable") + 1  # its first line

    call_command("validate_course", str(course_copy), "--skip-lab-grading")

    out = capsys.readouterr().out
    assert ": OK" in out
    warnings = [l for l in out.splitlines() if "qc-visibility-guessable" in l]
    assert len(warnings) == 2, out
    assert all(w.startswith(f"course/lessons/queues/01-visibility.md:{line}: warning: ") for w in warnings), (line, warnings)
    assert "has 3 options; give it 4" in warnings[0] + warnings[1]
    assert "much the longest" in warnings[0] + warnings[1]


def test_a_four_option_check_whose_answer_is_not_the_giveaway_gets_no_warning(db, course_copy, capsys):
    lesson = course_copy / "lessons/queues/01-visibility.md"
    balanced = GUESSABLE.replace("  - text: Waits.\n    why: Waiting changes nothing.\n", (
        "  - text: Waits.\n    why: Waiting changes nothing.\n"
        "  - text: It calls ChangeMessageVisibility with a timeout of zero so other consumers see it.\n"
        "    why: That hands the message back for another try.\n"
    ))
    lesson.write_text(lesson.read_text() + balanced)

    call_command("validate_course", str(course_copy), "--skip-lab-grading")

    assert "qc-visibility-guessable" not in capsys.readouterr().out
