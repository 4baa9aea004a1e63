"""Reads for classes, and the privacy rules they enforce.

A student sees only their own work. An instructor sees the students of the
classes they teach, and of those students' lab submissions only the ones for
labs assigned in such a class. Anything else does not exist for them (404).
"""

from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from classes.models import Assignment, ClassMembership, Classroom, UserTimezone
from flashcards.selectors.decks import decks_assignable
from labs.selectors.class_work import labs_assignable
from learning.selectors.progress import lessons_assignable

UTC = ZoneInfo("UTC")
STUDENT = ClassMembership.Role.STUDENT
INSTRUCTOR = ClassMembership.Role.INSTRUCTOR


def user_timezone_for(*, user) -> ZoneInfo:
    if not user.is_authenticated:
        return UTC
    name = UserTimezone.objects.filter(user=user).values_list("name", flat=True).first()
    try:
        return ZoneInfo(name) if name else UTC
    except (ValueError, KeyError):  # a zone removed from tzdata since it was stored
        return UTC


def user_timezone_is_set(*, user) -> bool:
    return user.is_authenticated and UserTimezone.objects.filter(user=user).exists()


def classes_taught_by(*, user) -> list[Classroom]:
    """With `.student_count` and `.assignment_count`, each counted in a subquery:
    counted over the join that picks the instructor's own membership row, the
    students would be counted among that one row, always 0."""
    if not user.is_authenticated:
        return []
    students = (
        ClassMembership.objects.filter(classroom=OuterRef("pk"), role=STUDENT)
        .order_by()
        .values("classroom")
        .annotate(n=Count("id"))
        .values("n")
    )
    assignments = (
        Assignment.objects.filter(classroom=OuterRef("pk")).order_by().values("classroom").annotate(n=Count("id")).values("n")
    )
    return list(
        Classroom.objects.filter(id__in=ClassMembership.objects.filter(user=user, role=INSTRUCTOR).values("classroom_id"))
        .annotate(
            student_count=Coalesce(Subquery(students), 0),
            assignment_count=Coalesce(Subquery(assignments), 0),
        )
        .order_by("name", "id")
    )


def classes_attended_by(*, user) -> list[Classroom]:
    if not user.is_authenticated:
        return []
    return list(Classroom.objects.filter(memberships__user=user, memberships__role=STUDENT))


def membership_for(*, user, class_id: int) -> ClassMembership | None:
    if not user.is_authenticated:
        return None
    return ClassMembership.objects.select_related("classroom").filter(user=user, classroom_id=class_id).first()


def classroom_for_code(*, code: str) -> Classroom | None:
    from classes.services.classes import join_code_normalise

    normalised = join_code_normalise(code)
    return Classroom.objects.filter(join_code=normalised).first() if normalised else None


def students_of(*, classroom: Classroom) -> list:
    """The class's students (users), by username."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(class_memberships__classroom=classroom, class_memberships__role=STUDENT)
        .order_by("username")
    )


def instructors_of(*, classroom: Classroom) -> list:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(class_memberships__classroom=classroom, class_memberships__role=INSTRUCTOR)
        .order_by("username")
    )


def student_of_class(*, classroom: Classroom, user_id: int):
    """The student with this id in this class, else None."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(id=user_id, class_memberships__classroom=classroom, class_memberships__role=STUDENT)
        .first()
    )


def assignments_of(*, classroom: Classroom) -> list[Assignment]:
    return list(Assignment.objects.filter(classroom=classroom).select_related("lesson", "lab", "deck").order_by("due_at", "id"))


def assignment_of(*, classroom: Classroom, assignment_id: int) -> Assignment | None:
    return Assignment.objects.select_related("lesson", "lab", "deck").filter(classroom=classroom, id=assignment_id).first()


def lab_assignment_for(*, classroom: Classroom, slug: str) -> Assignment | None:
    return (
        Assignment.objects.select_related("lab")
        .filter(classroom=classroom, kind=Assignment.Kind.LAB, lab__slug=slug)
        .first()
    )


def instructor_can_view_submission(*, user, submission) -> bool:
    """True when `user` teaches a class that has the submission's author as a
    student and assigns the submission's lab. Owners are handled by the caller."""
    if not user.is_authenticated or submission.user_id == user.id:
        return False
    return Classroom.objects.filter(
        Q(memberships__user=user, memberships__role=INSTRUCTOR),
        assignments__lab_id=submission.lab_id,
    ).filter(memberships__user_id=submission.user_id, memberships__role=STUDENT).exists()


def assignable_items() -> dict[str, list]:
    """What the add-assignment form offers, per kind."""
    return {"lesson": lessons_assignable(), "lab": labs_assignable(), "deck": decks_assignable()}
