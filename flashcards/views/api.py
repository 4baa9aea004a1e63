"""JSON API (Authorization: Bearer <token>): the next card, and rating it."""

import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from flashcards.scheduling import interval_label
from flashcards.models import Card
from flashcards.selectors import queue_sql, rows
from flashcards.selectors.cards import card_and_state_for, review_read_models
from flashcards.selectors.fetched import fetched_for, remember_fetched
from flashcards.selectors.queue import DEFAULT_NEW, DEFAULT_REVIEWS, LEARN_AHEAD, day_start
from flashcards.services.reviews import InvalidReview, ReadVersions, StaleRead, card_review
from accounts.api_auth import api_login_required, bearer_token_dead, token_checked_in_query
from accounts.selectors.tokens import TokenNotLive


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@token_checked_in_query
@require_GET
@api_login_required
def due(request):
    """The counts and the next card, as queue.due_counts_for and queue.next_card_for
    would give them, in one statement (queue_sql.due_and_next_row) that also
    checks the caller's bearer token."""
    now = timezone.now()
    try:
        learning, review, new, kind, card_id, front, back, tags, deck, fetched = queue_sql.due_and_next_row(
            user_id=request.user.pk, now=now, day=day_start(now), until=now + LEARN_AHEAD,
            default_new=DEFAULT_NEW, default_reviews=DEFAULT_REVIEWS, token_digest=request.bearer_digest,
        )
    except TokenNotLive:
        return bearer_token_dead(request)
    if fetched is not None and request.bearer_digest:  # the rating of this card starts from what was just read
        remember_fetched(user_id=request.user.pk, fetched=fetched)
    card = None
    if kind is not None:
        card = {"id": card_id, "front": front, "back": back, "deck": deck, "state": kind, "tags": rows.value(Card, "tags", tags)}
    return JsonResponse({"due": learning + review, "new": new, "card": card})


@token_checked_in_query
@require_POST
@api_login_required
def reviews(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _bad("the body must be JSON: {\"card_id\": ..., \"rating\": 1-4, \"duration_ms\": ...}")
    if not isinstance(body, dict):
        return _bad("the body must be a JSON object")
    rating, duration_ms = body.get("rating"), body.get("duration_ms")
    fetched = fetched_for(user_id=request.user.pk, card_id=body.get("card_id")) if request.bearer_digest else None
    if fetched is not None:
        # The card this process just gave the learner: rated from what its GET read,
        # which the write checks is unchanged (and the token live); if not, read afresh.
        card, state, prefs = review_read_models(fetched.row)
        versions = ReadVersions(state=fetched.state_version, prefs=fetched.prefs_version, token_digest=request.bearer_digest)
        try:
            result = card_review(
                user=request.user, card=card, rating=rating, duration_ms=duration_ms, state=state, prefs=prefs, versions=versions
            )
            return _reviewed(result)
        except InvalidReview as exc:
            return _bad(str(exc))
        except StaleRead:
            pass
    try:
        # Checks the caller's bearer token too, before anything is written.
        card, state, prefs = card_and_state_for(user=request.user, card_id=body.get("card_id"), token_digest=request.bearer_digest)
    except TokenNotLive:
        return bearer_token_dead(request)
    if card is None or not card.is_active:
        return _bad("unknown card_id")
    try:
        result = card_review(user=request.user, card=card, rating=rating, duration_ms=duration_ms, state=state, prefs=prefs)
    except InvalidReview as exc:
        return _bad(str(exc))
    return _reviewed(result)


def _reviewed(result) -> JsonResponse:
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
        },
        status=201,
    )
