"""sync_course applies everything or nothing, keyed by stable ids."""

import pytest
from django.core.management import CommandError, call_command

from learning.models import Course, Lesson, LessonProgress, Module, QuickCheck, QuickCheckAnswer
from learning.services.lessons import lesson_complete, quick_check_answer


def _sync(path):
    call_command("sync_course", str(path), "--skip-lab-grading")


def test_sync_creates_modules_lessons_and_quick_checks(db, course_copy):
    _sync(course_copy)
    assert Course.objects.get().title == "Fixture Course"
    assert list(Module.objects.values_list("slug", flat=True)) == ["basics", "queues"]
    assert list(Lesson.objects.values_list("slug", flat=True)) == ["events", "visibility", "dead-letters"]
    assert QuickCheck.objects.count() == 3
    events = Lesson.objects.get(slug="events")
    assert events.toc == [{"id": "naming-events", "title": "Naming events", "level": 2}]
    assert [s["kind"] for s in events.segments] == ["html", "quiz", "html"]


def test_renaming_a_file_and_its_slug_keeps_progress_and_answers(db, course_copy, alice):
    _sync(course_copy)
    lesson = Lesson.objects.get(slug="visibility")
    lesson_complete(user=alice, lesson=lesson)
    check = QuickCheck.objects.get(stable_id="qc-visibility-expire")
    quick_check_answer(user=alice, quick_check=check, selected=[0])

    old = course_copy / "lessons/queues/01-visibility.md"
    new_dir = course_copy / "lessons/basics"
    text = old.read_text().replace("slug: visibility", "slug: visibility-timeout").replace("module: queues", "module: basics")
    (new_dir / "05-visibility-timeout.md").write_text(text)
    old.unlink()
    events = course_copy / "lessons/basics/01-events.md"
    events.write_text(events.read_text().replace("lesson:visibility#", "lesson:visibility-timeout#"))
    _sync(course_copy)

    moved = Lesson.objects.get(stable_id="les-visibility-0002")
    assert moved.slug == "visibility-timeout"
    assert moved.module.slug == "basics"
    assert moved.pk == lesson.pk
    assert LessonProgress.objects.get(user=alice, lesson=moved).completed_at is not None
    assert QuickCheckAnswer.objects.get(user=alice, quick_check__stable_id="qc-visibility-expire").correct is True


def test_two_lessons_can_swap_slugs_in_one_sync(db, course_copy):
    _sync(course_copy)
    a = course_copy / "lessons/queues/01-visibility.md"
    b = course_copy / "lessons/queues/02-dlq.md"
    a.write_text(a.read_text().replace("slug: visibility", "slug: dead-letters"))
    b.write_text(b.read_text().replace("slug: dead-letters", "slug: visibility"))
    events = course_copy / "lessons/basics/01-events.md"
    events.write_text(events.read_text().replace("lesson:visibility#", "lesson:dead-letters#"))
    _sync(course_copy)
    assert Lesson.objects.get(stable_id="les-visibility-0002").slug == "dead-letters"
    assert Lesson.objects.get(stable_id="les-dlq-0003").slug == "visibility"


def test_a_refused_sync_changes_nothing(db, course_copy, capsys):
    _sync(course_copy)
    before = list(Lesson.objects.order_by("pk").values("slug", "title", "segments"))
    events = course_copy / "lessons/basics/01-events.md"
    events.write_text(events.read_text().replace("title: Events and commands", "title: Renamed in a broken sync"))
    dlq = course_copy / "lessons/queues/02-dlq.md"
    dlq.write_text(dlq.read_text().replace("module: queues", "module: nowhere"))

    with pytest.raises(CommandError, match="sync refused"):
        _sync(course_copy)
    assert "unknown module 'nowhere'" in capsys.readouterr().out
    assert list(Lesson.objects.order_by("pk").values("slug", "title", "segments")) == before


def test_a_removed_lesson_is_retired_not_deleted(db, course_copy, alice):
    _sync(course_copy)
    lesson_complete(user=alice, lesson=Lesson.objects.get(slug="dead-letters"))
    (course_copy / "lessons/queues/02-dlq.md").unlink()
    _sync(course_copy)
    retired = Lesson.objects.get(stable_id="les-dlq-0003")
    assert retired.is_active is False
    assert LessonProgress.objects.filter(lesson=retired, user=alice).exists()
    (course_copy / "lessons/queues/02-dlq.md").write_text(
        "---\nid: les-dlq-0003\nslug: dead-letters\ntitle: Back again\nsummary: s\nmodule: queues\nminutes: 3\n---\n\nText.\n"
    )
    _sync(course_copy)
    assert Lesson.objects.get(stable_id="les-dlq-0003").is_active is True


def test_course_dir_setting_points_the_site_at_another_course(db, course_copy, settings, capsys):
    settings.COURSE_DIR = course_copy
    call_command("sync_course", "--skip-lab-grading")
    assert "synced" in capsys.readouterr().out
    assert Course.objects.get().title == "Fixture Course"
