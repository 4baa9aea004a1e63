from django.db import transaction

from flashcards.models import Deck, DeckPause
from flashcards.services.states import states_studied_refresh


def deck_pause(*, user, deck: Deck, paused: bool = True) -> bool:
    """Pause (or resume) studying a deck. Returns whether it is now paused."""
    with transaction.atomic():
        if paused:
            DeckPause.objects.get_or_create(user=user, deck=deck)
        else:
            DeckPause.objects.filter(user=user, deck=deck).delete()
        states_studied_refresh(user=user, cards=deck.cards.all())
    return paused
