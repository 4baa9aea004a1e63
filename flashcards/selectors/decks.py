"""Reads of decks by what identifies them to people: for the classes app, which
assigns decks by slug."""

from flashcards.models import Deck


def deck_for_slug(*, slug: str) -> Deck | None:
    return Deck.objects.filter(slug=slug, is_active=True).first()


def decks_assignable() -> list[Deck]:
    """Active decks in course order, with their slug and title only (the add-assignment form)."""
    return list(Deck.objects.filter(is_active=True).only("slug", "title").order_by("position", "title"))
