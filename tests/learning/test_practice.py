"""The lesson page's practice panels come from the apps that register one
(learning imports neither flashcards nor labs)."""

from learning.models import Lesson
from learning.practice import lesson_panels_for


def test_each_registered_app_adds_its_panel_in_installed_apps_order(synced_course, alice, make_lab):
    lesson = Lesson.objects.get(slug="visibility")
    lab = make_lab(module=lesson.module)
    panels = lesson_panels_for(lesson=lesson, user=alice)
    assert [p.template for p in panels] == ["flashcards/_lesson_panel.html", "labs/_lesson_panel.html"]
    assert lab in panels[1].items and all(item.module_id == lesson.module_id for item in panels[1].items)


def test_an_app_with_nothing_to_offer_adds_no_panel(synced_course):
    from django.contrib.auth.models import AnonymousUser

    lesson = Lesson.objects.get(slug="events")  # its module has no lab
    assert lesson_panels_for(lesson=lesson, user=AnonymousUser()) == []
