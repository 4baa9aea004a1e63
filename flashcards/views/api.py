"""JSON API (Authorization: Bearer <token>): the next card, and rating it."""

import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from flashcards.scheduling import interval_label
from flashcards.selectors.cards import card_and_state_for
from flashcards.selectors.queue import due_counts_for, next_card_for
from flashcards.services.reviews import InvalidReview, card_review
from learning.api_auth import api_login_required


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@require_GET
@api_login_required
def due(request):
    user, now = request.user, timezone.now()
    counts = due_counts_for(user=user, now=now)
    item = next_card_for(user=user, now=now, counts=counts)
    card = None
    if item is not None:
        card = {
            "id": item.card.id,
            "front": item.card.front_html,
            "back": item.card.back_html,
            "deck": item.card.deck.slug,
            "state": item.kind,
            "tags": item.card.tags,
        }
    return JsonResponse({"due": counts.learning + counts.review, "new": counts.new, "card": card})


@require_POST
@api_login_required
def reviews(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _bad("the body must be JSON: {\"card_id\": ..., \"rating\": 1-4, \"duration_ms\": ...}")
    if not isinstance(body, dict):
        return _bad("the body must be a JSON object")
    card, state, prefs = card_and_state_for(user=request.user, card_id=body.get("card_id"))
    if card is None or not card.is_active:
        return _bad("unknown card_id")
    try:
        result = card_review(
            user=request.user, card=card, rating=body.get("rating"), duration_ms=body.get("duration_ms"), state=state, prefs=prefs
        )
    except InvalidReview as exc:
        return _bad(str(exc))
    interval = result.state.due - result.log.reviewed_at
    return JsonResponse(
        {
            "card_id": card.id,
            "rating": result.log.rating,
            "state": result.state.get_state_display().lower(),
            "due": result.state.due.isoformat(),
            "interval": round(interval.total_seconds() / 86400, 6),
            "interval_label": interval_label(interval),
            "leech": result.became_leech,
        },
        status=201,
    )
