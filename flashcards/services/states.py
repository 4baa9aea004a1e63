"""Creating and keeping a learner's CardState rows, including the `studied`
flag the due queries rely on."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from flashcards.models import Card, CardState, DeckPause


def studied_for(*, user, card: Card) -> bool:
    return card.is_active and card.deck.is_active and not DeckPause.objects.filter(user=user, deck_id=card.deck_id).exists()


def state_for_update(*, user, card: Card) -> CardState:
    """The learner's CardState for `card`, locked FOR UPDATE; created (NEW) if missing.
    Must be called inside a transaction."""
    state = CardState.objects.select_for_update().filter(user=user, card=card).first()
    if state is None:
        try:
            with transaction.atomic():
                return CardState.objects.create(user=user, card=card, studied=studied_for(user=user, card=card))
        except IntegrityError:  # a double submit raced us to it
            state = CardState.objects.select_for_update().get(user=user, card=card)
    return state


def states_studied_refresh(*, user=None, cards=None) -> int:
    """Recompute CardState.studied (all rows, or one user's, or some cards').
    Called after a sync, a deck pause and a card moving deck."""
    states = CardState.objects.all()
    if user is not None:
        states = states.filter(user=user)
    if cards is not None:
        states = states.filter(card__in=cards)
    paused = DeckPause.objects.filter(user_id=OuterRef("user_id"), deck_id=OuterRef("card__deck_id"))
    studied = Q(card__is_active=True, card__deck__is_active=True) & ~Q(Exists(paused))
    on = states.filter(studied).exclude(studied=True).update(studied=True)
    off = states.exclude(studied).exclude(studied=False).update(studied=False)
    return on + off
