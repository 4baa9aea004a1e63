"""Learners' own cards, and what a learner does to any card: suspend, bury."""

from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from flashcards.models import Card, CardState, Deck
from flashcards.selectors.queue import day_start
from flashcards.services.states import state_for_update, states_studied_refresh
from coursefiles.markdown import render_markdown
from coursefiles.problems import Problems

MAX_TEXT = 5000
MAX_TAGS = 20


class InvalidCard(ValueError):
    pass


def _render(text: str) -> str:
    # Own cards may not hold quick checks; any diagram problems just render as text.
    return render_markdown(text, path=Path("card"), problems=Problems()).html


def clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    cleaned = []
    for tag in tags or []:
        tag = str(tag).strip().lower()[:40]
        if tag and tag not in cleaned and tag != "leech":
            cleaned.append(tag)
    return cleaned[:MAX_TAGS]


def _check(front: str, back: str) -> tuple[str, str]:
    front, back = (front or "").strip(), (back or "").strip()
    if not front:
        raise InvalidCard("the front is empty")
    if not back:
        raise InvalidCard("the back is empty")
    if len(front) > MAX_TEXT or len(back) > MAX_TEXT:
        raise InvalidCard(f"a side is longer than {MAX_TEXT} characters")
    return front, back


def own_card_build(*, user, deck: Deck, front: str, back: str, tags=(), lesson=None) -> Card:
    """A validated, unsaved own card (used by card_create and the CSV import)."""
    front, back = _check(front, back)
    if not deck.is_active:
        raise InvalidCard(f"deck '{deck.slug}' is no longer in the course")
    return Card(
        deck=deck, owner=user, kind=Card.Kind.BASIC, front=front, back=back,
        front_html=_render(front), back_html=_render(back), tags=clean_tags(tags), lesson=lesson,
        position=100_000,  # after the course's cards in the deck
    )


def own_card_apply(*, card: Card, front: str, back: str, tags=()) -> bool:
    """Set an own card's sides and tags, unsaved (the CSV import saves them
    together); False when they already read so."""
    front, back = _check(front, back)
    tags = clean_tags(tags)
    if (card.front, card.back, card.tags) == (front, back, tags):
        return False
    card.front, card.back, card.tags = front, back, tags
    card.front_html, card.back_html = _render(front), _render(back)
    return True


def card_create(*, user, deck: Deck, front: str, back: str, tags=(), lesson=None) -> Card:
    card = own_card_build(user=user, deck=deck, front=front, back=back, tags=tags, lesson=lesson)
    card.save()
    return card


def card_edit(*, user, card: Card, front: str, back: str, tags=(), deck: Deck | None = None) -> Card:
    """Edit one of the learner's own cards; its review history stays."""
    if card.owner_id != user.id:
        raise InvalidCard("only your own cards can be edited")
    card.front, card.back = _check(front, back)
    card.front_html, card.back_html = _render(card.front), _render(card.back)
    card.tags = clean_tags(tags)
    moved = deck is not None and deck.is_active and deck.id != card.deck_id
    if moved:
        card.deck = deck
    card.save()
    if moved:
        states_studied_refresh(cards=[card])  # the new deck may be paused
    return card


def card_delete(*, user, card: Card) -> None:
    if card.owner_id != user.id:
        raise InvalidCard("only your own cards can be deleted")
    card.delete()


def _state(user, card) -> CardState:
    return state_for_update(user=user, card=card)


def card_suspend(*, user, card: Card, suspended: bool = True) -> CardState:
    """Suspend (or resume) a card for this learner. Resuming a leech keeps its tag."""
    with transaction.atomic():
        state = _state(user, card)
        state.suspended = suspended
        state.save(update_fields=["suspended"])
    return state


def card_bury(*, user, card: Card, now: datetime | None = None) -> CardState:
    """Hide a card until the next UTC day."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _state(user, card)
        state.buried_until = day_start(now) + timedelta(days=1)
        state.save(update_fields=["buried_until"])
    return state
