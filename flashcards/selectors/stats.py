"""Numbers for the statistics page, each one grouped query."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from flashcards.models import CardState, ReviewLog
from flashcards.models.study import State
from flashcards.selectors.queue import day_start, new_cards_for

HEATMAP_WEEKS = 53
FORECAST_DAYS = 30


@dataclass
class Retention:
    days: int
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


def reviews_per_day(*, user, now: datetime, weeks: int = HEATMAP_WEEKS) -> dict[date, int]:
    since = day_start(now) - timedelta(days=7 * weeks)
    rows = (
        ReviewLog.objects.filter(user=user, reviewed_at__gte=since)
        .annotate(day=TruncDate("reviewed_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    return {row["day"]: row["n"] for row in rows}


def due_forecast(*, user, now: datetime, days: int = FORECAST_DAYS) -> list[tuple[date, int]]:
    """Cards due on each of the next `days` days; what is overdue counts today."""
    today = day_start(now)
    end = today + timedelta(days=days)
    rows = (
        CardState.objects.filter(user=user, studied=True, suspended=False, state__gt=State.NEW, due__lt=end)
        .annotate(day=TruncDate("due"))
        .values("day")
        .annotate(n=Count("id"))
    )
    counts = {row["day"]: row["n"] for row in rows}
    first = today.date()
    overdue = sum(n for d, n in counts.items() if d < first)
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0) + (overdue if i == 0 else 0)) for i in range(days)]


def true_retention(*, user, now: datetime, days: int) -> Retention:
    """Share of reviews of cards in Review state (not learning) that were not Again."""
    row = ReviewLog.objects.filter(user=user, reviewed_at__gte=now - timedelta(days=days), state_before=State.REVIEW).aggregate(
        total=Count("id"), passed=Count("id", filter=Q(rating__gt=1))
    )
    return Retention(days=days, passed=row["passed"], total=row["total"])


def counts_by_state(*, user, now: datetime) -> dict[str, int]:
    row = CardState.objects.filter(user=user, studied=True).aggregate(
        n_learning=Count("id", filter=Q(state=State.LEARNING, suspended=False)),
        n_review=Count("id", filter=Q(state=State.REVIEW, suspended=False)),
        n_relearning=Count("id", filter=Q(state=State.RELEARNING, suspended=False)),
        n_suspended=Count("id", filter=Q(suspended=True)),
        n_mature=Count("id", filter=Q(state=State.REVIEW, suspended=False, stability__gte=21)),
    )
    counts = {key.removeprefix("n_"): value for key, value in row.items()}
    counts["new"] = new_cards_for(user=user, now=now).count()
    return counts


def card_history_for(*, user, card) -> list[ReviewLog]:
    return list(ReviewLog.objects.filter(user=user, card=card).order_by("reviewed_at", "id"))


def streak_days(per_day: dict[date, int], *, today: date) -> int:
    """Days in a row with reviews, ending today (or yesterday, if today has none yet)."""
    day = today if per_day.get(today) else today - timedelta(days=1)
    streak = 0
    while per_day.get(day):
        streak += 1
        day -= timedelta(days=1)
    return streak
