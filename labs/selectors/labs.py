"""Reads for the lab catalog and lab pages."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q

from labs.models import Lab, Submission


@dataclass
class LabProgress:
    attempts: int = 0
    best_score: float | None = None
    passed: bool = False
    active: bool = False

    @property
    def label(self) -> str:
        if self.passed:
            return "Passed"
        if self.active:
            return "Grading"
        if self.attempts:
            return "In progress"
        return "Not started"

    @property
    def tone(self) -> str:
        return {"Passed": "ok", "Grading": "info", "In progress": "warn"}.get(self.label, "")

    @property
    def best_percent(self) -> int | None:
        return None if self.best_score is None else round(100 * self.best_score)


def lab_for_slug(*, slug: str) -> Lab | None:
    return Lab.objects.filter(slug=slug, is_active=True).first()


def lab_progress_by_lab_for(*, user) -> dict[int, LabProgress]:
    if not user.is_authenticated:
        return {}
    rows = (
        Submission.objects.filter(user=user)
        .values("lab_id")
        .annotate(
            attempts=Count("id"),
            best=Max("score"),
            passed=Count("id", filter=Q(status=Submission.Status.PASSED)),
            active=Count("id", filter=Q(status__in=Submission.ACTIVE)),
        )
    )
    return {
        r["lab_id"]: LabProgress(attempts=r["attempts"], best_score=r["best"], passed=r["passed"] > 0, active=r["active"] > 0)
        for r in rows
    }


def labs_catalog_for(*, user) -> list[Lab]:
    """Active labs in course order (module by module), each with `.progress` for
    this learner (two queries)."""
    progress = lab_progress_by_lab_for(user=user)
    labs = list(Lab.objects.filter(is_active=True).select_related("module").order_by("module__position", "position", "title"))
    for lab in labs:
        lab.progress = progress.get(lab.id, LabProgress())
    return labs


def labs_for_lesson(*, lesson) -> list[Lab]:
    """For the "Practise it" box under a lesson: the active labs that practise
    it (lab.yaml's `lessons:`), then the rest of its module's."""
    practising = Lab.lessons.through.objects.filter(lesson_id=lesson.pk)
    labs = (
        Lab.objects.filter(Q(pk__in=practising.values("lab_id")) | Q(module_id=lesson.module_id), is_active=True)
        .annotate(practises=Exists(practising.filter(lab_id=OuterRef("pk"))))
        .order_by("-practises", "position", "title")
        .only("slug", "title", "summary", "minutes", "difficulty")
    )
    return list(labs)


def lessons_of_lab(*, lab: Lab) -> list:
    """The lessons a lab practises, in course order, for its page."""
    return list(lab.lessons.select_related("module").order_by("module__position", "position").only("slug", "title", "module__position"))


def lab_progress_for(*, user, lab: Lab) -> LabProgress:
    if not user.is_authenticated:
        return LabProgress()
    return lab_progress_by_lab_for(user=user).get(lab.id, LabProgress())
