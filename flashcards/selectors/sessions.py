"""Today's study, for the summary at the end of a session."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum

from flashcards.models import ReviewLog
from flashcards.models.study import State
from flashcards.selectors.queue import day_start


@dataclass
class SessionSummary:
    reviewed: int
    cards: int
    new: int
    again: int
    seconds: int
    retention: float | None  # share of review-state cards passed today

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


def session_summary_for(*, user, now: datetime) -> SessionSummary:
    row = ReviewLog.objects.filter(user=user, reviewed_at__gte=day_start(now)).aggregate(
        reviewed=Count("id"),
        cards=Count("card_id", distinct=True),
        new=Count("id", filter=Q(state_before=State.NEW)),
        again=Count("id", filter=Q(rating=1)),
        ms=Sum("duration_ms"),
        mature=Count("id", filter=Q(state_before=State.REVIEW)),
        passed=Count("id", filter=Q(state_before=State.REVIEW, rating__gt=1)),
    )
    return SessionSummary(
        reviewed=row["reviewed"],
        cards=row["cards"],
        new=row["new"],
        again=row["again"],
        seconds=(row["ms"] or 0) // 1000,
        retention=(row["passed"] / row["mature"]) if row["mature"] else None,
    )


def last_review_for(*, user) -> ReviewLog | None:
    return ReviewLog.objects.filter(user=user).order_by("-reviewed_at", "-id").select_related("card").first()
