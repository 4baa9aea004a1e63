from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from flashcards.forms import ImportForm
from flashcards.selectors.cards import decks_for
from flashcards.services.decks import deck_pause
from flashcards.views.access import get_deck_for_user


@require_GET
@login_required
def deck_list(request):
    return render(
        request,
        "flashcards/decks.html",
        {"decks": decks_for(user=request.user), "import_form": ImportForm(), "nav_section": "flashcards"},
    )


@require_POST
@login_required
def deck_pause_view(request, slug):
    deck = get_deck_for_user(request.user, slug)
    paused = deck_pause(user=request.user, deck=deck, paused=request.POST.get("paused") == "1")
    messages.success(request, f"“{deck.title}” {'paused: its cards wait until you resume it' if paused else 'resumed'}.")
    return redirect("flashcards:decks")
