"""Which cards a learner may see: course cards of active decks and their own
cards, never another learner's."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from flashcards.models import Card, CardState, DeckPause, StudyPreferences
from flashcards.selectors import rows


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
    # No ordering (Card's Meta ordering would join decks for nothing) and no lesson
    # joined: a lesson row carries its whole rendered text; templates load it if needed.
    return cards_visible_to(user=user).select_related("deck").filter(pk=card_id).order_by().first()


# What rating a card reads, and no more: the card's text, its deck and the
# learner's key settings stay deferred (loaded on first use, as with .only()).
_CARD_FOR_REVIEW = ("deck", "owner", "is_active")
_PREFS_FOR_REVIEW = ("desired_retention", "learning_steps", "relearning_steps", "maximum_interval", "leech_threshold")


def review_read_columns() -> str:
    """The columns a review starts from (its state `s`, card `c` and the
    learner's settings `p`), for review_read_models to turn into instances."""
    return (
        f"{rows.columns(CardState, 's')}, {rows.columns(Card, 'c', _CARD_FOR_REVIEW)}, "
        f"{rows.columns(StudyPreferences, 'p', _PREFS_FOR_REVIEW)}"
    )


def review_read_models(row) -> tuple:
    """(card, state, settings or None) from review_read_columns' raw values."""
    state, card, prefs = rows.split(row, CardState, (Card, _CARD_FOR_REVIEW), (StudyPreferences, _PREFS_FOR_REVIEW))
    state.card = card
    return card, state, prefs


def card_and_state_for(*, user, card_id, token_digest: str | None = None):
    """(a card the user may see or None, their CardState for it or None, their
    StudyPreferences or None), in one query once the card is started: what
    services.reviews.card_review needs, read for the review API's hot path.
    With `token_digest`, the API caller's bearer token is checked in the same
    statement (accounts.selectors.tokens.with_live_token): TokenNotLive if it is not."""
    from accounts.selectors.tokens import live_row, with_live_token

    try:
        card_id = None if isinstance(card_id, bool) else int(card_id)
    except (TypeError, ValueError):
        card_id = None
    if card_id is None and token_digest is None:
        return None, None, None
    # (With a token, a card id that is not a number still runs the statement, for its token check.)
    S, C, PR = (m._meta.db_table for m in (CardState, Card, StudyPreferences))
    sql = (
        f"SELECT {review_read_columns()} FROM {S} s JOIN {C} c ON c.id = s.card_id "
        f"LEFT JOIN {PR} p ON p.user_id = s.user_id "
        f"WHERE s.user_id = %s AND s.card_id = %s AND (c.owner_id IS NULL OR c.owner_id = %s)"
    )
    params = [user.pk, card_id, user.pk]
    if token_digest is not None:
        sql, params = with_live_token(sql, params, digest=token_digest, user_id=user.pk)
    with rows.hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = live_row(cursor.fetchone(), checked=token_digest is not None)
    if row is None:
        return (card_for_user(user=user, card_id=card_id) if card_id is not None else None), None, None
    return review_read_models(row)


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
    return cards.prefetch_related(Prefetch("states", queryset=CardState.objects.filter(user=user), to_attr="my_states"))


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
