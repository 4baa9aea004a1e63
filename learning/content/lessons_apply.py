"""Writing loaded lessons to the database. Called inside the sync transaction."""

from django.utils import timezone

from learning.models import Course, Lesson, Module, QuickCheck


def _segments_json(lesson) -> list[dict]:
    out = []
    for segment in lesson.rendered.segments:
        if segment.kind == "quiz":
            out.append({"kind": "quiz", "id": segment.quiz.stable_id})
        else:
            out.append({"kind": "html", "html": segment.html})
    return out


def apply_lessons(loaded) -> dict[str, int]:
    Course.objects.exclude(pk=1).delete()
    Course.objects.update_or_create(pk=1, defaults={"title": loaded.title, "summary": loaded.summary, "synced_at": timezone.now()})
    # Free every slug first so that swaps and renames never trip the unique index.
    for model in (Module, Lesson):
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(slug=f"retired-{pk}")

    modules: dict[str, Module] = {}
    for spec in loaded.modules:
        module, _ = Module.objects.update_or_create(
            stable_id=spec.stable_id,
            defaults={"slug": spec.slug, "title": spec.title, "summary": spec.summary, "position": spec.position, "is_active": True},
        )
        modules[spec.slug] = module
    Module.objects.exclude(stable_id__in=[m.stable_id for m in loaded.modules]).update(is_active=False)

    ordered = sorted(loaded.lessons, key=lambda l: (l.order, l.slug))
    check_ids: list[str] = []
    for position, spec in enumerate(ordered):
        lesson, _ = Lesson.objects.update_or_create(
            stable_id=spec.stable_id,
            defaults={
                "slug": spec.slug,
                "module": modules[spec.module],
                "title": spec.title,
                "summary": spec.summary,
                "minutes": spec.minutes,
                "tags": spec.tags,
                "position": position,
                "source_path": str(spec.path),
                "segments": _segments_json(spec),
                "toc": spec.rendered.toc,
                "search_text": spec.rendered.text,
                "words": spec.rendered.words,
                "is_active": True,
            },
        )
        for check_position, check in enumerate(spec.rendered.quick_checks):
            QuickCheck.objects.update_or_create(
                stable_id=check.stable_id,
                defaults={
                    "lesson": lesson,
                    "position": check_position,
                    "kind": check.kind,
                    "question": check.question,
                    "options": check.options,
                    "explanation": check.explanation,
                    "is_active": True,
                },
            )
            check_ids.append(check.stable_id)
    Lesson.objects.exclude(stable_id__in=[l.stable_id for l in loaded.lessons]).update(is_active=False)
    QuickCheck.objects.exclude(stable_id__in=check_ids).update(is_active=False)
    return {"modules": len(loaded.modules), "lessons": len(loaded.lessons), "quick_checks": len(check_ids)}
