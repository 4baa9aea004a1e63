"""Running totals that the review queue reads instead of counting rows.

"How many new cards are left" and "how many reviews were done today" were
counts over a learner's whole card-state table and today's review log, run on
every review round trip. These tables hold the same numbers, kept by database
triggers (migration 0007) on flashcards_cardstate and flashcards_reviewlog, so
they stay right whatever writes those tables: a review, an undo, a deck pause,
a course sync, a deleted card or account, or a bulk import. Python never
writes them.
"""

from django.conf import settings
from django.db import models


class StudyTally(models.Model):
    """Per learner: card states that count as started, i.e. `studied` and past
    NEW. (States still NEW but suspended or buried are few; the queue counts
    those through the partial index cardstate_new_held.)"""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    started = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.started} started"


class ReviewDay(models.Model):
    """Per learner and UTC day: reviews logged, and of them those of a new card
    (state_before NEW) and of a review card (state_before REVIEW), for the
    daily limits."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    reviews = models.IntegerField(default=0)
    new_reviews = models.IntegerField(default=0)
    review_reviews = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_review_day_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.day}: {self.reviews} reviews"
