from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    default_auto_field = "django.db.models.BigAutoField"
    # Loads and syncs this app's part of course/ (see coursefiles/kinds.py).
    course_content = "learning.content.lessons"
