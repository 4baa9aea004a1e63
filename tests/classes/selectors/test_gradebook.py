"""The grading rules per kind, and the fixed query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from labs.models import Submission
from classes.services.classes import assignment_create, classroom_join
from learning.services.lessons import lesson_complete
from learning.models import LessonProgress
from classes.selectors.gradebook import cells_for, gradebook_for, gradebook_table
from tests.classes.conftest import due_in

pytestmark = pytest.mark.django_db


def cell(classroom, user, assignment):
    book = gradebook_for(classroom=classroom, now=timezone.now())
    row = next(r for r in book.rows if r.student == user)
    return next(c for c in row.cells if c.assignment == assignment)


def test_the_best_score_counts_and_every_attempt_is_counted(messaging, sam, lab, lab_assignment, submit):
    submit(user=sam, lab=lab, score=0.5)
    submit(user=sam, lab=lab, score=0.75)
    submit(user=sam, lab=lab, score=0.25)
    c = cell(messaging, sam, lab_assignment)
    assert (c.score, c.attempts, c.done, c.late, c.state) == (0.75, 3, False, False, "started")


def test_a_best_attempt_after_the_due_date_is_late_and_late_attempts_are_kept(messaging, sam, lab, submit):
    assignment = assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(-1))
    submit(user=sam, lab=lab, score=0.5, at=timezone.now() - timedelta(days=2))
    submit(user=sam, lab=lab, score=1.0)  # after the due date
    c = cell(messaging, sam, assignment)
    assert (c.score, c.attempts, c.late_attempts, c.done, c.late, c.state) == (1.0, 2, 1, True, True, "late")


def test_an_equal_score_after_the_due_date_does_not_make_an_on_time_pass_late(messaging, sam, lab, submit):
    assignment = assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(-1))
    submit(user=sam, lab=lab, score=1.0, at=timezone.now() - timedelta(days=2))
    submit(user=sam, lab=lab, score=1.0)
    c = cell(messaging, sam, assignment)
    assert (c.done, c.late, c.late_attempts, c.state) == (True, False, 1, "done")


def test_a_run_still_grading_counts_as_an_attempt_without_a_score(messaging, sam, lab, lab_assignment):
    Submission.objects.create(user=sam, lab=lab, code="x", status=Submission.Status.RUNNING)
    c = cell(messaging, sam, lab_assignment)
    assert (c.attempts, c.score, c.active) == (1, None, True)


def test_nothing_done_after_the_due_date_is_overdue(messaging, tess, lab, submit):
    assignment = assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(-1))
    assert cell(messaging, tess, assignment).state == "overdue"


def test_a_lesson_is_done_when_completed_and_late_when_completed_after_the_due_date(messaging, sam, tess, lesson):
    assignment = assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=due_in(-1))
    lesson_complete(user=sam, lesson=lesson)
    lesson_complete(user=tess, lesson=lesson)
    LessonProgress.objects.filter(user=tess).update(completed_at=timezone.now() - timedelta(days=3))
    assert cell(messaging, sam, assignment).state == "late"
    assert cell(messaging, tess, assignment).state == "done"


def test_sorting_by_a_column_puts_the_best_scores_first(messaging, sam, tess, lab, lab_assignment, submit):
    submit(user=sam, lab=lab, score=0.25)
    submit(user=tess, lab=lab, score=1.0)
    book = gradebook_for(classroom=messaging, now=timezone.now(), sort=f"a{lab_assignment.id}", descending=True)
    assert [r.student.username for r in book.rows] == ["tess", "sam"]
    book = gradebook_for(classroom=messaging, now=timezone.now(), sort="name", descending=True)
    assert [r.student.username for r in book.rows] == ["tess", "sam"]


def test_filters_keep_matching_students_and_kinds(messaging, sam, tess, lab, lesson, submit):
    assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(-1))
    assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=due_in(5))
    submit(user=tess, lab=lab, score=1.0, at=timezone.now() - timedelta(days=2))
    now = timezone.now()
    assert [r.student.username for r in gradebook_for(classroom=messaging, now=now, show="behind").rows] == ["sam"]
    assert [r.student.username for r in gradebook_for(classroom=messaging, now=now, show="done").rows] == ["tess"]
    assert [r.student.username for r in gradebook_for(classroom=messaging, now=now, q="STUDENT").rows] == ["sam"]
    assert [c.assignment.kind for c in gradebook_for(classroom=messaging, now=now, kind="lesson").columns] == ["lesson"]


def test_the_csv_table_starts_with_username_and_display_name(messaging, sam, lab, lab_assignment, submit):
    submit(user=sam, lab=lab, score=0.5)
    table = gradebook_table(gradebook_for(classroom=messaging, now=timezone.now()))
    assert table[0][:5] == ["username", "display name", "DLQ basics (lab) score", "DLQ basics (lab) attempts", "DLQ basics (lab) late"]
    assert table[1][:5] == ["sam", "Sam Student", 50, 1, ""]
    assert table[2][:4] == ["tess", "tess", "", 0]


def test_the_gradebook_costs_the_same_queries_for_a_bigger_class(messaging, make_user, make_lab, lesson, submit):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            gradebook_for(classroom=messaging, now=timezone.now())
        return len(ctx.captured_queries)

    first = make_lab()
    assignment_create(classroom=messaging, kind="lab", slug=first.slug, due_at=due_in(1))
    assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=due_in(1))
    small = queries()
    for i in range(12):
        student = make_user(f"extra{i}")
        classroom_join(user=student, code=messaging.join_code)
        lab = make_lab()
        assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(i))
        submit(user=student, lab=lab, score=0.5)
        submit(user=student, lab=first, score=1.0)
        lesson_complete(user=student, lesson=lesson)
    assert queries() == small <= 4


def test_cells_for_covers_every_pair(messaging, sam, tess, lab_assignment):
    cells = cells_for(assignments=[lab_assignment], user_ids=[sam.id, tess.id], now=timezone.now())
    assert set(cells) == {(sam.id, lab_assignment.id), (tess.id, lab_assignment.id)}


def test_sort_clean_keeps_known_sorts_and_drops_the_rest():
    from classes.selectors.gradebook import sort_clean

    assert [sort_clean(s) for s in ["name", "progress", "overdue", "a12", "a²", "a" + "1" * 5000, "", None, "b1"]] == [
        "name", "progress", "overdue", "a12", "name", "name", "name", "name", "name"
    ]
