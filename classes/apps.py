from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "classes"
    default_auto_field = "django.db.models.BigAutoField"
    # labs asks each app that names one whether a user may view a submission that
    # is not theirs (labs/views/access.py); classes lets an instructor see the
    # work of their students on the labs their class assigns.
    lab_submission_viewer = "classes.selectors.classes.instructor_can_view_submission"
    # labs asks which lab variant a learner gets (labs/selectors/variants.py);
    # a class that chose one variant for all its students answers for them.
    lab_variant = "classes.selectors.variants.class_lab_variant"
