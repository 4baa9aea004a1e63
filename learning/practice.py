"""What the practice apps add to a lesson page.

learning knows nothing of decks or labs: an app takes part by naming, in its
AppConfig, `lesson_practice = "package.module.function"`, as it names
`course_content` for the course sync. The function is called with
`lesson=` and `user=` and returns a LessonPanel, or None to show nothing.
Panels appear in the order of INSTALLED_APPS.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass
class LessonPanel:
    template: str  # included with the page's context plus `panel`
    items: list = field(default_factory=list)


@cache
def _panel_functions() -> tuple[Callable, ...]:
    return tuple(
        import_string(config.lesson_practice)
        for config in apps.get_app_configs()
        if getattr(config, "lesson_practice", None)
    )


def lesson_panels_for(*, lesson, user) -> list[LessonPanel]:
    panels = (function(lesson=lesson, user=user) for function in _panel_functions())
    return [panel for panel in panels if panel is not None]
