"""The one place flashcard views fetch a card or deck for a user, so the
permission check is never forgotten: another learner's own card is a 404."""

from django.http import Http404

from flashcards.models import Card, Deck
from flashcards.selectors.cards import card_for_user


def get_card_for_user(user, card_id) -> Card:
    card = card_for_user(user=user, card_id=card_id)
    if card is None:
        raise Http404("No such card")
    return card


def get_own_card_for_user(user, card_id) -> Card:
    card = get_card_for_user(user, card_id)
    if card.owner_id != user.id:
        raise Http404("Only your own cards can be changed")
    return card


def get_deck_for_user(user, slug: str) -> Deck:
    deck = Deck.objects.filter(slug=slug, is_active=True).first()
    if deck is None:
        raise Http404("No such deck")
    return deck
