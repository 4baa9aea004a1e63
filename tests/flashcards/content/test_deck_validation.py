"""validate_course names each deck problem as path:line: message."""

import pytest
from django.core.management import CommandError, call_command


def _validate(path, capsys):
    with pytest.raises(CommandError):
        call_command("validate_course", str(path), "--skip-lab-grading")
    return capsys.readouterr().out


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_fixture_decks_are_valid(db, course_copy, capsys):
    call_command("validate_course", str(course_copy), "--skip-lab-grading")
    assert "2 decks, 6 cards" in capsys.readouterr().out


def test_a_card_without_a_back_is_reported_at_its_line(db, course_copy, capsys):
    _edit(course_copy / "decks/queues.yaml", "    back: 30 seconds.\n", "")
    out = _validate(course_copy, capsys)
    assert "decks/queues.yaml:6: card is missing required field 'back'" in out


def test_a_broken_lesson_link_names_the_line(db, course_copy, capsys):
    _edit(course_copy / "decks/basics.yaml", "lesson: events#naming-events", "lesson: events#nowhere")
    out = _validate(course_copy, capsys)
    assert "decks/basics.yaml:10: broken internal link: lesson 'events' has no section '#nowhere'" in out


def test_a_duplicate_card_id_is_reported(db, course_copy, capsys):
    _edit(course_copy / "decks/queues.yaml", "id: card-visibility-default", "id: card-event-tense")
    out = _validate(course_copy, capsys)
    assert "decks/queues.yaml:6: duplicate card id 'card-event-tense' (also in" in out


def test_cloze_text_without_a_gap_is_reported(db, course_copy, capsys):
    _edit(course_copy / "decks/queues.yaml", "{{c1::dead-letter queue}}", "dead-letter queue")
    _edit(course_copy / "decks/queues.yaml", "{{c2::maxReceiveCount::a setting}}", "maxReceiveCount")
    out = _validate(course_copy, capsys)
    assert "decks/queues.yaml:11: 'cloze' text has no gap" in out


def test_front_and_cloze_together_are_refused(db, course_copy, capsys):
    _edit(course_copy / "decks/queues.yaml", "  - id: card-dlq-receives\n", "  - id: card-dlq-receives\n    front: Both?\n")
    assert "a card has either 'cloze' or 'front' and 'back', not both" in _validate(course_copy, capsys)


def test_invalid_yaml_and_unknown_fields_name_their_lines(db, course_copy, capsys):
    _edit(course_copy / "decks/basics.yaml", "title: Basics", "title: Basics\ncolour: blue")
    _edit(course_copy / "decks/queues.yaml", "tags: [sqs, visibility]", "tags: [sqs, visibility")
    out = _validate(course_copy, capsys)
    assert "decks/basics.yaml:4: unknown field 'colour' in deck" in out
    assert "decks/queues.yaml:" in out and "invalid YAML" in out


def test_the_slug_must_match_the_file_name(db, course_copy, capsys):
    (course_copy / "decks/queues.yaml").rename(course_copy / "decks/sqs.yaml")
    assert "decks/sqs.yaml:2: slug 'queues' must match the file name 'sqs.yaml'" in _validate(course_copy, capsys)
