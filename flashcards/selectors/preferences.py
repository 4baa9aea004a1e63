from flashcards.models import StudyPreferences


def study_preferences_for(*, user) -> StudyPreferences:
    """The learner's saved preferences, or the defaults (unsaved) if none yet."""
    prefs = StudyPreferences.objects.filter(user=user).first() if user.is_authenticated else None
    return prefs or StudyPreferences(user=user if user.is_authenticated else None)


ACTIONS = ("show", "again", "hard", "good", "easy", "undo")
KEY_NAMES = {" ": "Space", "Enter": "Enter", "Escape": "Esc"}


def key_bindings_for(prefs) -> dict:
    """{"enabled": bool, "keys": {action: [key, ...]}, "labels": {action: "Space / Enter"}}.
    Keys are KeyboardEvent.key values, stored comma-separated per action."""
    from flashcards.models.study import default_keys

    stored = {**default_keys(), **(prefs.keys or {})}
    keys = {}
    for action in ACTIONS:
        raw = stored.get(action, "")
        parts = [" " if p == " " else p.strip() for p in raw.split(",")] if raw else []
        keys[action] = [p for p in parts if p]
    labels = {a: " / ".join(KEY_NAMES.get(k, k.upper() if len(k) == 1 else k) for k in ks) for a, ks in keys.items()}
    return {"enabled": bool(prefs.keys_enabled), "keys": keys, "labels": labels}
