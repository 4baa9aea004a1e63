from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from flashcards import charts
from flashcards.selectors.preferences import study_preferences_for
from flashcards.selectors.stats import (
    FORECAST_DAYS,
    HEATMAP_WEEKS,
    counts_by_state,
    due_forecast,
    reviews_per_day,
    streak_days,
    true_retention,
)

STATE_PARTS = (("new", "New"), ("learning", "Learning"), ("relearning", "Relearning"), ("review", "Review"), ("suspended", "Suspended"))


@require_GET
@login_required
def stats(request):
    user, now = request.user, timezone.now()
    prefs = study_preferences_for(user=user)
    per_day = reviews_per_day(user=user, now=now)
    forecast = due_forecast(user=user, now=now)
    states = counts_by_state(user=user, now=now)
    retention = [true_retention(user=user, now=now, days=d) for d in (7, 30)]
    state_parts = [(css, label, states[css]) for css, label in STATE_PARTS]
    active_days = sum(1 for n in per_day.values() if n)
    return render(
        request,
        "flashcards/stats.html",
        {
            "heatmap": charts.heatmap_svg(per_day, today=now.date(), weeks=HEATMAP_WEEKS),
            "reviews_total": sum(per_day.values()),
            "reviews_today": per_day.get(now.date(), 0),
            "streak": streak_days(per_day, today=now.date()),
            "active_days": active_days,
            "forecast": charts.forecast_svg(forecast),
            "forecast_total": sum(n for _, n in forecast),
            "forecast_days": FORECAST_DAYS,
            "due_today": forecast[0][1] if forecast else 0,
            "due_tomorrow": forecast[1][1] if len(forecast) > 1 else 0,
            "retention": [
                {"r": r, "ring": charts.retention_ring_svg(r.rate, target=prefs.desired_retention, label=f"True retention, last {r.days} days")}
                for r in retention
            ],
            "target": prefs.desired_retention,
            "states": states,
            "state_parts": state_parts,
            "states_chart": charts.states_svg(state_parts),
            "nav_section": "flashcards",
        },
    )
