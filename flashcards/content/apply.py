"""Write loaded decks to the database inside sync_course's transaction."""

from flashcards.content.decks import DeckSpec


def _course_order(spec: DeckSpec, modules: dict, lessons: dict) -> tuple:
    """Where a deck comes in the course, so new cards follow it: its module's
    place in course.yaml (decks of no module last), then the earliest lesson
    its cards link to, then its slug. Not the slug alone: "eventbridge" would
    come before "foundations"."""
    module = modules.get(spec.module)
    linked = [
        (lessons[c.lesson].module.position, lessons[c.lesson].position) for c in spec.cards if c.lesson in lessons
    ]
    return (module is None, module.position if module else 0, min(linked, default=(float("inf"), float("inf"))), spec.slug)


def decks_apply(*, decks: list[DeckSpec]) -> dict[str, int]:
    """Upsert decks and course cards by stable id and retire what left the files.

    Runs after learning's lessons were applied, so lesson slugs resolve. Cards
    are never deleted: learners' review logs point at them.
    """
    from django.db.models import Count

    from flashcards.models import Card, Deck
    from flashcards.services.states import states_studied_refresh
    from learning.models import Lesson, Module

    # Free every slug first so that swaps and renames never trip the unique index.
    for pk in Deck.objects.values_list("pk", flat=True):
        Deck.objects.filter(pk=pk).update(slug=f"retired-{pk}")
    modules = {m.slug: m for m in Module.objects.filter(slug__in={d.module for d in decks if d.module})}
    lesson_slugs = {c.lesson for d in decks for c in d.cards if c.lesson}
    lessons = {l.slug: l for l in Lesson.objects.filter(slug__in=lesson_slugs).select_related("module")}
    existing = {c.stable_id: c for c in Card.objects.filter(owner__isnull=True)}
    seen: set[str] = set()
    created = changed = 0
    for position, spec in enumerate(sorted(decks, key=lambda d: _course_order(d, modules, lessons))):
        deck, _ = Deck.objects.update_or_create(
            stable_id=spec.stable_id,
            defaults={
                "slug": spec.slug,
                "title": spec.title,
                "module": modules.get(spec.module),
                "position": position,
                "source_path": str(spec.path),
                "is_active": True,
            },
        )
        for card_spec in spec.cards:
            seen.add(card_spec.stable_id)
            values = {
                "deck_id": deck.id,
                "kind": card_spec.kind,
                "cloze_number": card_spec.cloze_number,
                "front": card_spec.front,
                "back": card_spec.back,
                "front_html": card_spec.front_html,
                "back_html": card_spec.back_html,
                "tags": card_spec.tags,
                "lesson_id": lessons[card_spec.lesson].id if card_spec.lesson in lessons else None,
                "lesson_anchor": card_spec.anchor,
                "position": card_spec.position,
                "is_active": True,
            }
            card = existing.get(card_spec.stable_id)
            if card is None:
                Card.objects.create(stable_id=card_spec.stable_id, **values)
                created += 1
            elif any(getattr(card, k) != v for k, v in values.items()):
                Card.objects.filter(pk=card.pk).update(**values)
                changed += 1
    retired_cards = Card.objects.filter(owner__isnull=True, is_active=True).exclude(stable_id__in=seen).update(is_active=False)
    retired_decks = Deck.objects.exclude(stable_id__in=[d.stable_id for d in decks]).update(is_active=False)
    states_studied_refresh()  # cards and decks that came or went
    counts = dict(Card.objects.filter(owner__isnull=True, is_active=True).values("deck_id").annotate(n=Count("id")).values_list("deck_id", "n"))
    for deck in Deck.objects.all():
        if deck.card_count != counts.get(deck.id, 0):
            Deck.objects.filter(pk=deck.pk).update(card_count=counts.get(deck.id, 0))
    return {
        "decks": len(decks),
        "cards": len(seen),
        "cards_created": created,
        "cards_changed": changed,
        "cards_retired": retired_cards,
        "decks_retired": retired_decks,
    }
