"""The lab variant a class chooses for its students (labs/selectors/variants.py asks)."""

from classes.models import Assignment, ClassMembership


def class_lab_variant(*, user, lab) -> int | None:
    """The variant of the oldest class that assigns `lab` to `user` as a
    student and gives all its students one variant; None if no class does."""
    return (
        Assignment.objects.filter(
            lab=lab,
            classroom__lab_variant__isnull=False,
            classroom__memberships__user=user,
            classroom__memberships__role=ClassMembership.Role.STUDENT,
        )
        .order_by("classroom_id")
        .values_list("classroom__lab_variant", flat=True)
        .first()
    )
