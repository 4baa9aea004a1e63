"""Reads for the course pages. Each takes the user so that progress is joined
in a fixed number of queries, whatever the size of the course."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from learning.models import Lesson, LessonProgress, Module, QuickCheck, QuickCheckAnswer
from learning.selectors.quickchecks import quick_check_options_for


@dataclass
class ModuleOutline:
    module: Module
    lessons: list[Lesson] = field(default_factory=list)
    completed: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.completed / len(self.lessons)) if self.lessons else 0


def course_outline_for(*, user) -> list[ModuleOutline]:
    lessons = Lesson.objects.filter(is_active=True).only("slug", "title", "minutes", "module_id", "position", "summary")
    modules = Module.objects.filter(is_active=True).prefetch_related(Prefetch("lessons", queryset=lessons))
    done: set[int] = set()
    if user.is_authenticated:
        done = set(
            LessonProgress.objects.filter(user=user, completed_at__isnull=False).values_list("lesson_id", flat=True)
        )
    outline = []
    for module in modules:
        entry = ModuleOutline(module=module, lessons=list(module.lessons.all()))
        for lesson in entry.lessons:
            lesson.is_done = lesson.id in done
            entry.completed += lesson.is_done
        outline.append(entry)
    return outline


def continue_lesson_for(*, user, outline: list[ModuleOutline]) -> Lesson | None:
    """The lesson to resume: the last one opened if unfinished, else the first unfinished in course order."""
    if not user.is_authenticated:
        return None
    last = (
        LessonProgress.objects.filter(user=user, lesson__is_active=True, completed_at__isnull=True)
        .select_related("lesson")
        .order_by("-last_viewed_at")
        .first()
    )
    if last:
        return last.lesson
    for entry in outline:
        for lesson in entry.lessons:
            if not lesson.is_done:
                return lesson
    return None


def lesson_for_slug(*, slug: str) -> Lesson | None:
    return Lesson.objects.select_related("module").filter(slug=slug, is_active=True).first()


def lesson_neighbours(*, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    ordered = list(
        Lesson.objects.filter(is_active=True, module__is_active=True)
        .order_by("module__position", "position")
        .only("slug", "title")
    )
    ids = [l.id for l in ordered]
    i = ids.index(lesson.id) if lesson.id in ids else -1
    previous = ordered[i - 1] if i > 0 else None
    following = ordered[i + 1] if 0 <= i < len(ordered) - 1 else None
    return previous, following


def lesson_segments_for(*, lesson: Lesson, user) -> list[dict]:
    """The lesson's stored segments with each quick check and the learner's last answer filled in."""
    checks = {c.stable_id: c for c in QuickCheck.objects.filter(lesson=lesson, is_active=True)}
    answers = {}
    if user.is_authenticated:
        answers = {a.quick_check_id: a for a in QuickCheckAnswer.objects.filter(user=user, quick_check__in=checks.values())}
    out = []
    for segment in lesson.segments:
        if segment["kind"] == "quiz":
            check = checks.get(segment["id"])
            if check:
                options = quick_check_options_for(check=check, user=user)
                out.append({"kind": "quiz", "check": check, "options": options, "answer": answers.get(check.id)})
        else:
            out.append(segment)
    return out


def lesson_progress_for(*, user, lesson: Lesson) -> LessonProgress | None:
    if not user.is_authenticated:
        return None
    return LessonProgress.objects.filter(user=user, lesson=lesson).first()
