"""Which cards a learner may see: course cards of active decks and their own
cards, never another learner's."""

import html

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.html import strip_tags

from flashcards.models import Card, DeckPause


def cards_visible_to(*, user) -> QuerySet[Card]:
    if not user.is_authenticated:
        return Card.objects.none()
    return Card.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def card_for_user(*, user, card_id) -> Card | None:
    """One card the user may see (active or not), or None. Never another learner's own card."""
    if isinstance(card_id, bool):
        return None
    try:
        card_id = int(card_id)
    except (TypeError, ValueError):
        return None
    # get(), not first(): first() orders by the key (a sort and a clone for one row),
    # and Card's Meta ordering would join decks for nothing. No lesson joined: a
    # lesson row carries its whole rendered text; templates load it if needed.
    try:
        return cards_visible_to(user=user).select_related("deck").get(pk=card_id)
    except Card.DoesNotExist:
        return None


def studied_scope(*, user, prefix: str = "") -> Q:
    """A Q (on Card, or on a model whose `prefix` leads to one) for the cards the
    learner studies: active cards of active, unpaused decks, course or their own."""
    paused = DeckPause.objects.filter(user=user, deck_id=OuterRef(f"{prefix}deck_id"))
    return (
        Q(**{f"{prefix}is_active": True, f"{prefix}deck__is_active": True})
        & (Q(**{f"{prefix}owner__isnull": True}) | Q(**{f"{prefix}owner": user}))
        & ~Q(Exists(paused))
    )


def cards_for_listing(*, user, query: str = "", deck_slug: str = "", show: str = ""):
    """Cards for the learner's card browser, each with `my_state` (their CardState or None).
    show: "" all, "own", "suspended", "leech"."""
    from django.db.models import Prefetch

    from flashcards.models import CardState

    cards = cards_visible_to(user=user).filter(is_active=True, deck__is_active=True).select_related("deck")
    if query:
        cards = cards.filter(Q(front__icontains=query) | Q(back__icontains=query) | Q(tags__icontains=query))
    if deck_slug:
        cards = cards.filter(deck__slug=deck_slug)
    if show == "own":
        cards = cards.filter(owner=user)
    elif show == "suspended":
        cards = cards.filter(states__user=user, states__suspended=True)
    elif show == "leech":
        cards = cards.filter(states__user=user, states__is_leech=True)
    if show not in ("suspended", "leech"):
        # One row per cloze note, not one per gap: the note's cards share their
        # deck and text, and the one of lowest number stands for them. (Suspended
        # and leech are states of one card, so those lists keep every card.)
        siblings = Card.objects.filter(
            deck_id=OuterRef("deck_id"), kind=Card.Kind.CLOZE, owner__isnull=True, is_active=True, front=OuterRef("front")
        )
        cards = cards.exclude(Q(kind=Card.Kind.CLOZE) & Exists(siblings.filter(cloze_number__lt=OuterRef("cloze_number"))))
        cards = cards.annotate(
            note_cards=Subquery(siblings.order_by().values("deck_id").annotate(n=Count("id")).values("n")[:1])
        )
    return cards.prefetch_related(Prefetch("states", queryset=CardState.objects.filter(user=user), to_attr="my_states"))


def card_listing_text(card: Card) -> str:
    """A card's text for a one-line list, as the learner reads it: rendered
    Markdown without its tags, and a cloze note's text with its answers in
    place (its back, less any extra notes), never `{{c1::...}}`."""
    source = card.front_html
    if card.kind == Card.Kind.CLOZE:
        source = card.back_html.split('<div class="card-extra">', 1)[0]
    return " ".join(html.unescape(strip_tags(source)).split())


def decks_for(*, user):
    """Active decks with, for this learner: cards, cards started, and whether paused."""
    from django.db.models import Count

    from flashcards.models import Deck

    visible = Q(cards__is_active=True) & (Q(cards__owner__isnull=True) | Q(cards__owner=user))
    decks = list(
        Deck.objects.filter(is_active=True)
        .annotate(
            total=Count("cards", filter=visible, distinct=True),
            own=Count("cards", filter=Q(cards__is_active=True, cards__owner=user), distinct=True),
            started=Count("cards__states", filter=visible & Q(cards__states__user=user, cards__states__state__gt=0), distinct=True),
            paused=Exists(DeckPause.objects.filter(user=user, deck=OuterRef("pk"))),
        )
        .select_related("module")
    )
    return decks
