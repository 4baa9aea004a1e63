"""Decks and cards. Course cards are synced from course/decks/*.yaml and keyed
by the stable id written in the file, so renames and edits keep every
learner's review history. A learner's own cards live in a course deck with
`owner` set; nobody else ever sees them."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Deck(models.Model):
    stable_id = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    module = models.ForeignKey("learning.Module", null=True, blank=True, on_delete=models.SET_NULL, related_name="decks")
    position = models.PositiveIntegerField(default=0)
    source_path = models.CharField(max_length=500, blank=True)
    # False once the deck's file is gone: cards and history stay, the deck is not studied.
    is_active = models.BooleanField(default=True)
    # Active course cards in the deck, counted at each sync, so that "how many
    # new cards" does not count the course's cards on every review.
    card_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # A deck has no page of its own: its cards, in the card list.
        return f"/flashcards/cards/?deck={self.slug}"


class Card(models.Model):
    class Kind(models.TextChoices):
        BASIC = "basic", "Front and back"
        CLOZE = "cloze", "Cloze"

    deck = models.ForeignKey(Deck, on_delete=models.PROTECT, related_name="cards")
    # Course cards: the card id from the file ("card-x"; cloze cards add "--c2").
    # Own cards have none.
    stable_id = models.CharField(max_length=80, unique=True, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="own_cards"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.BASIC)
    cloze_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # Markdown as written, and the HTML rendered from it when it was saved or synced.
    front = models.TextField()
    back = models.TextField(blank=True)
    front_html = models.TextField()
    back_html = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    lesson = models.ForeignKey("learning.Lesson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lesson_anchor = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deck__position", "position", "id"]
        indexes = [models.Index(fields=["deck", "position"]), models.Index(fields=["owner", "deck"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True, stable_id__isnull=False) | Q(owner__isnull=False, stable_id__isnull=True),
                name="card_is_either_course_or_own",
            )
        ]

    def __str__(self) -> str:
        return self.front[:60]

    @property
    def is_own(self) -> bool:
        return self.owner_id is not None

    @property
    def lesson_url(self) -> str:
        if self.lesson_id is None:
            return ""
        return self.lesson.get_absolute_url() + (f"#{self.lesson_anchor}" if self.lesson_anchor else "")
