from flashcards.models import StudyPreferences


def preferences_update(*, user, values: dict) -> StudyPreferences:
    """Save the learner's study preferences (values already validated by PreferencesForm)."""
    prefs, _ = StudyPreferences.objects.get_or_create(user=user)
    for field in (
        "desired_retention", "new_per_day", "reviews_per_day", "learning_steps", "relearning_steps",
        "maximum_interval", "leech_threshold", "keys_enabled", "keys",
    ):
        if field in values:
            setattr(prefs, field, values[field])
    prefs.full_clean()
    prefs.save()
    return prefs
