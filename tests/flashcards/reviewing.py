"""Rating a card as a client that has just read it would: from its current
version. For tests about scheduling, queues and stats; the version checks
themselves are tested in services/test_reviews.py and test_reviews_concurrency.py."""

from flashcards.models import CardState
from flashcards.services.reviews import card_review


def current_version(*, user, card) -> int:
    return CardState.objects.filter(user=user, card=card).values_list("version", flat=True).first() or 0


def rate(*, user, card, rating, **kwargs):
    return card_review(user=user, card=card, rating=rating, version=current_version(user=user, card=card), **kwargs)
