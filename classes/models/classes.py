"""Classes: an instructor opens one, learners join with a code, and the class
assigns lessons, decks and labs with due dates.

Who may create a class is a permission (classes.teach_class), granted with
`manage.py grant_instructor` or in the admin. Who teaches or attends a given
class is a membership row, so one user can teach one class and attend another.
"""

from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from labs.selectors.variants import SEED_SPACE

# No 0/O, 1/I/L or U/V: codes get read aloud and copied off projectors.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
JOIN_CODE_LENGTH = 8  # 29**8 ≈ 5e11 codes


class Classroom(models.Model):
    name = models.CharField(max_length=120)
    join_code = models.CharField(max_length=16, unique=True)
    join_open = models.BooleanField(default=True, help_text="Closed classes refuse new students; members stay.")
    # Labs draw their hidden inputs from a seed, one per learner by default, so
    # two students comparing answers see different messages. An instructor who
    # wants to walk the class through one run can give everyone the same one.
    lab_variant = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(SEED_SPACE - 1)], help_text="One lab variant for every student of the class; empty: one per student."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="classrooms_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it had when classes lived in learning/, so a
        # database from before the split upgrades in place (migrations 0001-0003).
        db_table = "learning_classroom"
        ordering = ["name", "id"]
        permissions = [("teach_class", "Can create classes and teach them")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/classes/{self.id}/"


class ClassMembership(models.Model):
    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"
        STUDENT = "student", "Student"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "learning_classmembership"
        constraints = [models.UniqueConstraint(fields=["classroom", "user"], name="one_membership_per_class_user")]
        indexes = [models.Index(fields=["user", "role"]), models.Index(fields=["classroom", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.classroom} ({self.role})"


# Due dates every layer can hold: Python's datetime stops at years 1 and 9999,
# PostgreSQL goes far beyond both, and a date PostgreSQL stored that Python
# cannot read (year 0 after a +14:00 offset, year 10000 after -14:00) made
# every page that lists the assignment fail. These bounds, in UTC, leave a
# margin of years on both sides for any time zone's conversion.
DUE_AT_MIN = datetime(1900, 1, 1, tzinfo=dt_timezone.utc)
DUE_AT_MAX = datetime(9000, 12, 31, 23, 59, 59, tzinfo=dt_timezone.utc)
# A deck has at most a few thousand cards; the column holds up to 2**31 - 1.
DECK_TARGET_COUNT_MAX = 100_000


class Assignment(models.Model):
    """One lesson, deck or lab a class must do by `due_at`. Exactly one of the
    item foreign keys is set, matching `kind`."""

    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson"
        DECK = "deck", "Deck"
        LAB = "lab", "Lab"

    class DeckTarget(models.TextChoices):
        REVIEWED = "reviewed", "cards reviewed"
        MASTERED = "mastered", "cards mastered"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    lesson = models.ForeignKey("learning.Lesson", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lab = models.ForeignKey("labs.Lab", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deck = models.ForeignKey("flashcards.Deck", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    # Decks only: done once `deck_target_count` cards are reviewed (or mastered);
    # no count means every card in the deck.
    deck_target = models.CharField(max_length=8, choices=DeckTarget.choices, blank=True)
    deck_target_count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "learning_assignment"
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "lesson"], name="one_assignment_per_class_lesson"),
            models.UniqueConstraint(fields=["classroom", "lab"], name="one_assignment_per_class_lab"),
            models.UniqueConstraint(fields=["classroom", "deck"], name="one_assignment_per_class_deck"),
            models.CheckConstraint(
                condition=(Q(kind="lesson", lesson__isnull=False, lab__isnull=True, deck__isnull=True))
                | Q(kind="lab", lab__isnull=False, lesson__isnull=True, deck__isnull=True)
                | Q(kind="deck", deck__isnull=False, lesson__isnull=True, lab__isnull=True),
                name="assignment_item_matches_kind",
            ),
            # The database itself refuses a date no reader could load, whichever path writes it.
            models.CheckConstraint(condition=Q(due_at__gte=DUE_AT_MIN, due_at__lte=DUE_AT_MAX), name="assignment_due_at_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def item(self):
        return {"lesson": self.lesson, "lab": self.lab, "deck": self.deck}.get(self.kind)

    @property
    def title(self) -> str:
        item = self.item
        return item.title if item is not None else "(removed)"

    @property
    def slug(self) -> str:
        item = self.item
        return item.slug if item is not None else ""


class UserTimezone(models.Model):
    """The zone a user's due dates are shown in. Set from the browser's zone the
    first time a class form is posted, or chosen on My classes; UTC until then."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timezone_pref")
    name = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "learning_usertimezone"

    def __str__(self) -> str:
        return f"{self.user}: {self.name}"
