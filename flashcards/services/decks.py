from flashcards.models import Deck, DeckPause


def deck_pause(*, user, deck: Deck, paused: bool = True) -> bool:
    """Pause (or resume) studying a deck. Returns whether it is now paused."""
    if paused:
        DeckPause.objects.get_or_create(user=user, deck=deck)
    else:
        DeckPause.objects.filter(user=user, deck=deck).delete()
    return paused
