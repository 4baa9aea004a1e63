from classes.selectors.classes import classes_taught_by
from classes.services.classes import assignment_create, classroom_create, instructor_add

from tests.classes.conftest import due_in


def test_classes_you_teach_count_the_students_not_the_instructors_own_row(ivy, messaging, lesson):
    assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=due_in(2))
    (taught,) = classes_taught_by(user=ivy)
    assert (taught.student_count, taught.assignment_count) == (2, 1)


def test_a_co_instructor_is_not_counted_as_a_student(ivy, olga, messaging):
    instructor_add(classroom=messaging, username="olga")
    classroom_create(user=ivy, name="Empty")
    counts = {c.name: c.student_count for c in classes_taught_by(user=olga)}
    assert counts == {"Messaging 101": 2}
    counts = {c.name: (c.student_count, c.assignment_count) for c in classes_taught_by(user=ivy)}
    assert counts == {"Empty": (0, 0), "Messaging 101": (2, 0)}
