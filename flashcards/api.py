"""The flashcards API (django-ninja router, mounted at /api/flashcards/ by
redrive/api.py): the next card, and rating it. Authentication is the API's
(accounts.api_auth); rules stay in the selectors and services."""

from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from accounts.api_errors import api_error_body, errors
from accounts.api_types import Id, INT64_MAX, Int
from flashcards.scheduling import interval_label
from flashcards.selectors.cards import card_for_user
from flashcards.selectors.queue import due_counts_for, next_card_for
from flashcards.services.reviews import InvalidReview, StaleVersion, card_review

router = Router(tags=["flashcards"])

# The review log's column (a PositiveIntegerField) holds this much; the service
# counts anything over an hour as an hour, as it always has.
DURATION_MS_MAX = 2**31 - 1


class DueCard(Schema):
    id: int
    front: str
    back: str
    deck: str
    state: str
    tags: list[str]
    version: int


class DueOut(Schema):
    due: int
    new: int
    card: DueCard | None


Rating = Int(ge=1, le=4, description="1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
Version = Int(ge=0, le=INT64_MAX, description="the card's `version` as GET /api/flashcards/due/ gave it")
DurationMs = Int(ge=0, le=DURATION_MS_MAX, description="time spent on the card")


class ReviewIn(Schema):
    card_id: Id
    rating: Rating
    version: Version
    duration_ms: DurationMs | None = None


class ReviewOut(Schema):
    card_id: int
    rating: int
    state: str
    due: str
    interval: float
    interval_label: str
    leech: bool
    version: int


@router.get("/due/", response={200: DueOut, **errors(401)}, url_name="flashcards-api-due")
def due(request):
    """The counts and the next card, with the version of its state that a rating of it names."""
    now = timezone.now()
    counts = due_counts_for(user=request.user, now=now)
    item = next_card_for(user=request.user, now=now, counts=counts)
    card = None
    if item is not None:
        card = {
            "id": item.card.id,
            "front": item.card.front_html,
            "back": item.card.back_html,
            "deck": item.card.deck.slug,
            "state": item.kind,
            "tags": item.card.tags,
            "version": item.state.version if item.state else 0,
        }
    return {"due": counts.learning + counts.review, "new": counts.new, "card": card}


@router.post("/reviews/", response={201: ReviewOut, **errors(400, 401, 403, 409, 413)}, url_name="flashcards-api-reviews")
def reviews(request, body: ReviewIn):
    """Rate a card. A rating names the version of the card's state it was made
    from: one already rated or undone since answers 409 and applies nothing."""
    card = card_for_user(user=request.user, card_id=body.card_id)
    if card is None or not card.is_active:
        return Status(400, api_error_body("unknown card_id", [("card_id", "no card with this id is yours to review")]))
    try:
        result = card_review(
            user=request.user, card=card, rating=body.rating, version=body.version, duration_ms=body.duration_ms
        )
    except InvalidReview as exc:
        return Status(400, api_error_body(str(exc)))
    except StaleVersion:
        return Status(409, api_error_body(
            "this card changed since that version was read (rated or undone since): nothing was applied; "
            "GET /api/flashcards/due/ for its state now",
            [("version", "not the card's current version")],
        ))
    interval = result.state.due - result.log.reviewed_at
    return Status(201, {
        "card_id": result.log.card_id,
        "rating": result.log.rating,
        "state": result.state.get_state_display().lower(),
        "due": result.state.due.isoformat(),
        "interval": round(interval.total_seconds() / 86400, 6),
        "interval_label": interval_label(interval),
        "leech": result.became_leech,
        "version": result.state.version,
    })
