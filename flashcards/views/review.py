"""The review session: one card at a time. htmx swaps the #session partial;
without JavaScript the same URLs answer with whole pages and redirects."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from flashcards.models.study import State
from flashcards.scheduling import interval_previews
from flashcards.selectors.cards import card_for_user
from flashcards.selectors.preferences import key_bindings_for, study_preferences_for
from flashcards.selectors.queue import QueueItem, counts_with_item, due_counts_for, next_card_for, next_learning_due
from flashcards.selectors.sessions import last_review_for, session_summary_for
from flashcards.services.cards import card_bury, card_suspend
from flashcards.services.reviews import InvalidReview, StaleVersion, card_review, review_undo
from flashcards.views.access import get_card_for_user

TEMPLATE = "flashcards/review.html"
STALE = "This card changed since this tab showed it (it was rated or undone elsewhere), so that rating was not applied. Here is what comes next."


def _shown_ms(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _requested_item(user, card_id) -> QueueItem | None:
    card = card_for_user(user=user, card_id=card_id)
    if card is None:
        return None
    state = card.states.filter(user=user).first()
    kind = {State.LEARNING: "learning", State.RELEARNING: "learning", State.REVIEW: "review"}.get(state.state if state else State.NEW, "new")
    return QueueItem(card, state, kind)


def _render_session(request, *, item=None, answer=False, shown_ms=None, notice=None, status=200):
    user, now = request.user, timezone.now()
    prefs = study_preferences_for(user=user)
    counts = due_counts_for(user=user, now=now, prefs=prefs)
    if item is None:
        item = next_card_for(user=user, now=now, prefs=prefs, counts=counts)
    due_total = counts.total  # the nav badge counts what is due, as on every other page
    counts = counts_with_item(counts=counts, item=item, now=now)
    context = {
        "due_total": due_total,
        "item": item,
        "answer": answer and item is not None,
        "counts": counts,
        "prefs": prefs,
        "bindings": key_bindings_for(prefs),
        "shown_ms": shown_ms or int(time.time() * 1000),
        "notice": notice,
        "last_review": last_review_for(user=user),
        "nav_section": "flashcards",
    }
    if item is not None and answer:
        context["previews"] = interval_previews(prefs, item.state, now=now)
        for preview in context["previews"]:
            preview["key"] = context["bindings"]["labels"][preview["name"].lower()]
    if item is None:
        context["summary"] = session_summary_for(user=user, now=now)
        context["next_due"] = next_learning_due(user=user, now=now)
    template = f"{TEMPLATE}#session" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


@require_GET
@login_required
def review(request):
    """?card=<id> shows that card (after an undo); &answer=1 turns it over."""
    item = None
    if "card" in request.GET:
        item = _requested_item(request.user, request.GET["card"])
    return _render_session(
        request, item=item, answer=request.GET.get("answer") == "1", shown_ms=_shown_ms(request.GET.get("shown"))
    )


@require_POST
@login_required
def rate(request):
    card = get_card_for_user(request.user, request.POST.get("card_id"))
    shown = _shown_ms(request.POST.get("shown"))
    duration = max(0, int(time.time() * 1000) - shown) if shown else None
    try:
        result = card_review(
            user=request.user, card=card, rating=request.POST.get("rating"), version=request.POST.get("version"), duration_ms=duration
        )
    except StaleVersion:
        # A second tab, or the same rating sent twice: applied once, then refused.
        if request.htmx:
            return _render_session(request, notice=STALE)
        messages.warning(request, STALE)
        return redirect("flashcards:review")
    except InvalidReview as exc:
        if request.htmx:
            item = _requested_item(request.user, card.id)
            return _render_session(request, item=item, answer=True, shown_ms=shown, notice=str(exc), status=422)
        messages.error(request, str(exc))
        return redirect(f"/flashcards/review/?card={card.id}&answer=1")
    notice = None
    if result.became_leech:
        notice = f"This card has lapsed {result.state.lapses} times: it is now tagged a leech and suspended. Rewrite it or resume it from your cards."
    if request.htmx:
        return _render_session(request, notice=notice)
    if notice:
        messages.warning(request, notice)
    return redirect("flashcards:review")


@require_POST
@login_required
def undo(request):
    card = review_undo(user=request.user)
    if card is None:
        notice = "Nothing to undo."
        if request.htmx:
            return _render_session(request, notice=notice)
        messages.info(request, notice)
        return redirect("flashcards:review")
    if request.htmx:
        return _render_session(request, item=_requested_item(request.user, card.id), notice="Undone: here is that card again.")
    messages.info(request, "Undone: here is that card again.")
    return redirect(f"/flashcards/review/?card={card.id}")


@require_POST
@login_required
def hide(request, card_id):
    """Suspend or bury a card from the review page, then go on to the next one."""
    card = get_card_for_user(request.user, card_id)
    if request.POST.get("how") == "suspend":
        card_suspend(user=request.user, card=card)
        notice = "Card suspended. Resume it from your cards."
    else:
        card_bury(user=request.user, card=card)
        notice = "Card buried until tomorrow."
    if request.htmx:
        return _render_session(request, notice=notice)
    messages.info(request, notice)
    return redirect("flashcards:review")
