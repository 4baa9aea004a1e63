from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from flashcards.exports import deck_apkg, deck_csv
from flashcards.forms import ImportForm
from flashcards.services.imports import cards_import_csv
from flashcards.views.access import get_deck_for_user
from accounts.api_auth import accepts_bearer_token


def _download(content, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@accepts_bearer_token
@require_GET
@login_required
def export_csv(request, slug):
    deck = get_deck_for_user(request.user, slug)
    return _download(deck_csv(user=request.user, deck=deck), filename=f"redrive-{deck.slug}.csv", content_type="text/csv; charset=utf-8")


@accepts_bearer_token
@require_GET
@login_required
def export_apkg(request, slug):
    deck = get_deck_for_user(request.user, slug)
    return _download(deck_apkg(user=request.user, deck=deck), filename=f"redrive-{deck.slug}.apkg", content_type="application/octet-stream")


@require_http_methods(["GET", "POST"])
@login_required
def import_csv_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        result = cards_import_csv(user=request.user, deck=form.cleaned_data["deck"], data=form.cleaned_data["file"].read())
        if not result.errors:
            messages.success(request, f"Imported into “{form.cleaned_data['deck'].title}”: {result.summary()}")
            for reason in result.skipped[:20]:
                messages.info(request, f"Skipped {reason}")
            if len(result.skipped) > 20:
                messages.info(request, f"… and {len(result.skipped) - 20} more rows skipped.")
            return redirect("flashcards:cards")
        errors = result.errors
    status = 422 if errors else 200
    return render(request, "flashcards/import.html", {"form": form, "errors": errors, "nav_section": "flashcards"}, status=status)
