from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    name = "flashcards"
    default_auto_field = "django.db.models.BigAutoField"
    # Loads and syncs course/decks/*.yaml (see learning/content/kinds.py).
    course_content = "flashcards.content.decks"
