from flashcards.models.decks import Card, Deck
from flashcards.models.study import CardState, DeckPause, ReviewLog, StudyPreferences
from flashcards.models.tallies import ReviewDay, StudyTally

__all__ = ["Card", "CardState", "Deck", "DeckPause", "ReviewDay", "ReviewLog", "StudyPreferences", "StudyTally"]
