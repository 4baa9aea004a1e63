from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flashcards import charts
from flashcards.forms import CardForm
from flashcards.models import Deck
from flashcards.selectors.cards import card_listing_text, cards_for_listing
from flashcards.selectors.stats import card_history_for
from flashcards.services.cards import InvalidCard, card_create, card_delete, card_edit, card_suspend
from flashcards.views.access import get_card_for_user, get_own_card_for_user
from learning.models import Lesson


@require_GET
@login_required
def card_list(request):
    query = request.GET.get("q", "").strip()
    deck = request.GET.get("deck", "")
    show = request.GET.get("show", "")
    page = Paginator(cards_for_listing(user=request.user, query=query, deck_slug=deck, show=show), 50).get_page(request.GET.get("page"))
    for card in page:
        card.my_state = card.my_states[0] if card.my_states else None
        card.listing_text = card_listing_text(card)
    return render(
        request,
        "flashcards/cards.html",
        {"page": page, "q": query, "deck": deck, "show": show, "decks": Deck.objects.filter(is_active=True), "nav_section": "flashcards"},
    )


def _lesson_for(slug: str):
    return Lesson.objects.filter(slug=slug, is_active=True).select_related("module").first() if slug else None


@require_http_methods(["GET", "POST"])
@login_required
def card_new(request):
    """A new own card. ?lesson=<slug> (from a lesson's "add to my cards") links it
    to that lesson and picks the deck of its module."""
    lesson = _lesson_for(request.POST.get("lesson") or request.GET.get("lesson", ""))
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                card_create(user=request.user, deck=data["deck"], front=data["front"], back=data["back"], tags=data["tags"], lesson=lesson)
            except InvalidCard as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Card added. It will come up as a new card.")
                if lesson and "another" not in request.POST:
                    return redirect(lesson.get_absolute_url())
                return redirect(request.path + (f"?lesson={lesson.slug}" if lesson else ""))
    else:
        initial = {"lesson": lesson.slug if lesson else ""}
        deck = Deck.objects.filter(is_active=True, module_id=lesson.module_id).first() if lesson else None
        if deck:
            initial["deck"] = deck
        if lesson:
            initial["tags"] = " ".join(lesson.tags)
        form = CardForm(initial=initial)
    no_decks = not Deck.objects.filter(is_active=True).exists()
    return render(request, "flashcards/card_form.html", {"form": form, "lesson": lesson, "no_decks": no_decks, "nav_section": "flashcards"})


@require_GET
@login_required
def card_detail(request, card_id):
    card = get_card_for_user(request.user, card_id)
    history = card_history_for(user=request.user, card=card)
    return render(
        request,
        "flashcards/card_detail.html",
        {"card": card, "state": card.states.filter(user=request.user).first(), "history": history, "chart": charts.history_svg(history), "nav_section": "flashcards"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def card_edit_view(request, card_id):
    card = get_own_card_for_user(request.user, card_id)
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            card_edit(user=request.user, card=card, front=data["front"], back=data["back"], tags=data["tags"], deck=data["deck"])
            messages.success(request, "Card saved; its review history is kept.")
            return redirect("flashcards:card", card_id=card.id)
    else:
        form = CardForm(initial={"deck": card.deck, "front": card.front, "back": card.back, "tags": " ".join(card.tags)})
    return render(request, "flashcards/card_form.html", {"form": form, "card": card, "nav_section": "flashcards"})


@require_POST
@login_required
def card_delete_view(request, card_id):
    card = get_own_card_for_user(request.user, card_id)
    card_delete(user=request.user, card=card)
    messages.success(request, "Card deleted.")
    return redirect("flashcards:cards")


@require_POST
@login_required
def card_suspend_view(request, card_id):
    card = get_card_for_user(request.user, card_id)
    suspended = request.POST.get("suspended", "1") == "1"
    card_suspend(user=request.user, card=card, suspended=suspended)
    messages.success(request, "Card suspended." if suspended else "Card resumed: it is back in your reviews.")
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/flashcards/") else "flashcards:cards")
