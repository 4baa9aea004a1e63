"""What each learner knows: the FSRS state of every card they have met, one
row per (user, card), in columns so that "what is due" is an indexed query;
and the log of every review, with the state before it so a review can be
undone exactly and parameters optimized later. All times are UTC."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class State(models.IntegerChoices):
    # 1-3 are fsrs.State's values; NEW is ours (fsrs has no state for unseen cards).
    NEW = 0, "New"
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class CardState(models.Model):
    """A learner's scheduling state for one card. No row means the card is new
    and untouched; a row in NEW state exists when a new card was suspended or buried."""

    # No index of its own: one_state_per_user_card (user, card) serves every lookup by user,
    # and each review (an UPDATE of due and state, never HOT) then maintains one index less.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states", db_index=False)
    card = models.ForeignKey("flashcards.Card", on_delete=models.CASCADE, related_name="states")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    # last_review as epoch seconds, so "lowest retrievability first" is
    # ORDER BY (now - last_review_ts) / stability in any database.
    last_review_ts = models.FloatField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    is_leech = models.BooleanField(default=False)
    # Whether the learner studies the card at all: the card and its deck are
    # active and the deck is not paused. Kept here (by deck_pause, the course
    # sync and card edits) so that "what is due" reads one table through one index.
    studied = models.BooleanField(default=True)
    # Counts the reviews and undos applied to this row. A rating names the
    # version it was made from (services.reviews.card_review), so a rating from
    # a tab or client that read an older state is refused rather than applied twice.
    version = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="one_state_per_user_card")]
        indexes = [
            # Covering (PostgreSQL): counting the due cards and picking the least
            # recalled one read the index alone, not a heap row per due card.
            models.Index(
                fields=["user", "state", "due"],
                name="cardstate_due_studied",
                condition=Q(studied=True, suspended=False),
                include=["buried_until", "last_review_ts", "stability", "card"],
            ),
            # NEW states exist only for new cards suspended or buried (or a first review
            # undone): few, and the new-card count subtracts those held back.
            models.Index(fields=["user"], name="cardstate_new_held", condition=Q(state=0)),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.card_id}: {self.get_state_display()}"

    SNAPSHOT_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "last_review_ts", "reps", "lapses", "suspended", "buried_until", "is_leech")

    def snapshot(self) -> dict:
        return {name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}


class ReviewLog(models.Model):
    # No index of its own: reviewlog_user_time (user, reviewed_at) serves every lookup by
    # user, and a second one on user alone lured generic plans into scanning a whole history.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs", db_index=False)
    card = models.ForeignKey("flashcards.Card", on_delete=models.CASCADE, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_after = models.PositiveSmallIntegerField(choices=State.choices)
    stability_after = models.FloatField(null=True)
    difficulty_after = models.FloatField(null=True)
    due_after = models.DateTimeField()
    # The whole CardState before this review (CardState.snapshot(), JSON-encoded
    # times), plus the fields stats and the optimizer query as columns.
    state_before = models.PositiveSmallIntegerField(choices=State.choices)
    before = models.JSONField()

    class Meta:
        indexes = [
            models.Index(fields=["user", "reviewed_at"], name="reviewlog_user_time"),
            models.Index(fields=["user", "card", "reviewed_at"], name="reviewlog_user_card_time"),
            # Undo takes the learner's latest review by id (the order reviews were
            # applied in), not by time: this finds it without reading their history.
            models.Index(fields=["user", "id"], name="reviewlog_user_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.card_id} {self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"

    @property
    def interval_days(self) -> float:
        return (self.due_after - self.reviewed_at).total_seconds() / 86400


def default_learning_steps() -> list:
    return [1, 10]


def default_relearning_steps() -> list:
    return [10]


def default_keys() -> dict:
    return {"show": " ,Enter", "again": "1", "hard": "2", "good": "3", "easy": "4", "undo": "z"}


class StudyPreferences(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_preferences")
    desired_retention = models.FloatField(default=0.90, validators=[MinValueValidator(0.70), MaxValueValidator(0.97)])
    learning_steps = models.JSONField(default=default_learning_steps)  # minutes; [] = none
    relearning_steps = models.JSONField(default=default_relearning_steps)
    maximum_interval = models.PositiveIntegerField(default=36500, validators=[MinValueValidator(1), MaxValueValidator(36500)])
    new_per_day = models.PositiveIntegerField(default=20, validators=[MaxValueValidator(9999)])
    reviews_per_day = models.PositiveIntegerField(default=200, validators=[MaxValueValidator(99999)])
    leech_threshold = models.PositiveIntegerField(default=8, validators=[MinValueValidator(1), MaxValueValidator(99)])
    keys_enabled = models.BooleanField(default=True)
    keys = models.JSONField(default=default_keys)

    def __str__(self) -> str:
        return f"study preferences of {self.user_id}"


class DeckPause(models.Model):
    """A deck the learner has paused: its cards are not shown until resumed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paused_decks")
    deck = models.ForeignKey("flashcards.Deck", on_delete=models.CASCADE, related_name="pauses")
    paused_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "deck"], name="one_pause_per_user_deck")]
