"""Deck progress for many learners at once, for the classes gradebook: three
grouped queries whatever the number of learners and decks."""

from datetime import timedelta

from django.db.models import Count, F, Q

from flashcards.models import Card, CardState, ReviewLog
from flashcards.models.study import State

MASTERED_DAYS = 21


def deck_progress_for(*, user_ids, deck_ids) -> dict[tuple[int, int], dict[str, int]]:
    """{(user_id, deck_id): {"total", "reviewed", "mastered"}} for every pair.

    total: the deck's active course cards (learners' own cards do not count);
    reviewed: those the learner has reviewed at least once;
    mastered: those in Review state with a stability or interval of 21 days or more.
    """
    user_ids, deck_ids = list(user_ids), list(deck_ids)
    course_cards = Q(card__owner__isnull=True, card__is_active=True, card__deck_id__in=deck_ids)
    totals = dict(
        Card.objects.filter(deck_id__in=deck_ids, owner__isnull=True, is_active=True)
        .values("deck_id")
        .annotate(n=Count("id"))
        .values_list("deck_id", "n")
    )
    reviewed = {
        (row["user_id"], row["card__deck_id"]): row["n"]
        for row in ReviewLog.objects.filter(course_cards, user_id__in=user_ids)
        .values("user_id", "card__deck_id")
        .annotate(n=Count("card_id", distinct=True))
    }
    mastered = {
        (row["user_id"], row["card__deck_id"]): row["n"]
        for row in CardState.objects.filter(course_cards, user_id__in=user_ids, state=State.REVIEW)
        .filter(Q(stability__gte=MASTERED_DAYS) | Q(due__gte=F("last_review") + timedelta(days=MASTERED_DAYS)))
        .values("user_id", "card__deck_id")
        .annotate(n=Count("id"))
    }
    return {
        (user_id, deck_id): {
            "total": totals.get(deck_id, 0),
            "reviewed": reviewed.get((user_id, deck_id), 0),
            "mastered": mastered.get((user_id, deck_id), 0),
        }
        for user_id in user_ids
        for deck_id in deck_ids
    }
