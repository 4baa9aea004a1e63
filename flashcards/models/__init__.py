from flashcards.models.decks import Card, Deck
from flashcards.models.study import CardState, DeckPause, ReviewLog, StudyPreferences

__all__ = ["Card", "CardState", "Deck", "DeckPause", "ReviewLog", "StudyPreferences"]
