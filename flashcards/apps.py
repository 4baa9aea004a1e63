from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    name = "flashcards"
    default_auto_field = "django.db.models.BigAutoField"
    # Loads and syncs course/decks/*.yaml (see coursefiles/kinds.py).
    course_content = "flashcards.content.decks"
    # Its part of a lesson page (see learning/practice.py).
    lesson_practice = "flashcards.lesson_practice.lesson_panel"
