from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "labs"
    default_auto_field = "django.db.models.BigAutoField"
    course_content = "labs.course_content"
    # Its part of a lesson page (see learning/practice.py).
    lesson_practice = "labs.lesson_practice.lesson_panel"
    # The learner's own variant when no app (a class) chooses one for them.
    lab_variant = None
