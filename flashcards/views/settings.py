from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from flashcards.forms import PreferencesForm
from flashcards.selectors.preferences import study_preferences_for
from flashcards.services.preferences import preferences_update


@require_http_methods(["GET", "POST"])
@login_required
def settings_view(request):
    prefs = study_preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, values=form.cleaned_data)
        messages.success(request, "Study settings saved.")
        return redirect("flashcards:settings")
    return render(request, "flashcards/settings.html", {"form": form, "nav_section": "flashcards"})
