"""JSON API (Authorization: Bearer <token>, checked by accounts.api_auth's
middleware): the next card, and rating it."""

import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from flashcards.scheduling import interval_label
from flashcards.selectors.cards import card_for_user
from flashcards.selectors.queue import due_counts_for, next_card_for
from flashcards.services.reviews import InvalidReview, StaleVersion, card_review
from accounts.api_auth import api_login_required

_BODY = '{"card_id": ..., "rating": 1-4, "version": ..., "duration_ms": ...}'


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@require_GET
@api_login_required
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
    return JsonResponse({"due": counts.learning + counts.review, "new": counts.new, "card": card})


@require_POST
@api_login_required
def reviews(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _bad(f"the body must be JSON: {_BODY}")
    if not isinstance(body, dict):
        return _bad("the body must be a JSON object")
    card = card_for_user(user=request.user, card_id=body.get("card_id"))
    if card is None or not card.is_active:
        return _bad("unknown card_id")
    if "version" not in body:
        return _bad(f"version is required: the card's version as GET /api/flashcards/due/ gave it ({_BODY})")
    if not isinstance(body["version"], int):  # JSON gives numbers as numbers: "1" or 1.0 is a client's mistake
        return _bad("version must be the card's version as it was read: a whole number, 0 or more")
    try:
        result = card_review(
            user=request.user, card=card, rating=body.get("rating"), version=body["version"], duration_ms=body.get("duration_ms")
        )
    except InvalidReview as exc:
        return _bad(str(exc))
    except StaleVersion:
        return JsonResponse(
            {"error": "this card changed since that version was read (rated or undone since): nothing was applied; "
                      "GET /api/flashcards/due/ for its state now"},
            status=409,
        )
    interval = result.state.due - result.log.reviewed_at
    return JsonResponse(
        {
            "card_id": result.log.card_id,
            "rating": result.log.rating,
            "state": result.state.get_state_display().lower(),
            "due": result.state.due.isoformat(),
            "interval": round(interval.total_seconds() / 86400, 6),
            "interval_label": interval_label(interval),
            "leech": result.became_leech,
            "version": result.state.version,
        },
        status=201,
    )
