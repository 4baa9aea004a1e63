from django import forms

from flashcards.models import Deck, StudyPreferences
from flashcards.scheduling import MAX_RETENTION, MIN_RETENTION
from flashcards.selectors.preferences import ACTIONS


class CardForm(forms.Form):
    deck = forms.ModelChoiceField(queryset=Deck.objects.filter(is_active=True), empty_label=None)
    front = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, help_text="Markdown: `code`, **bold**, fenced code blocks.")
    back = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    tags = forms.CharField(required=False, max_length=400, help_text="Separated by spaces or commas.")
    lesson = forms.CharField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    deck = forms.ModelChoiceField(queryset=Deck.objects.filter(is_active=True), empty_label=None)
    file = forms.FileField(help_text="CSV with a header row: front, back and optionally tags (UTF-8).")


def _steps(value: str, field: str) -> list[int]:
    try:
        steps = [int(part) for part in value.replace(",", " ").split()]
    except ValueError:
        raise forms.ValidationError(f"{field}: whole minutes separated by spaces, e.g. 1 10") from None
    if any(s < 1 or s > 1440 * 7 for s in steps) or len(steps) > 10:
        raise forms.ValidationError(f"{field}: up to 10 steps, each from 1 minute to 7 days (10080)")
    return steps


class PreferencesForm(forms.ModelForm):
    learning_steps = forms.CharField(required=False, help_text="Minutes, e.g. 1 10. Empty: new cards graduate at once.")
    relearning_steps = forms.CharField(required=False, help_text="Minutes, e.g. 10.")
    desired_retention = forms.FloatField(
        min_value=MIN_RETENTION, max_value=MAX_RETENTION, widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text="From 0.70 to 0.97. Higher means more reviews and fewer forgotten cards.",
    )

    class Meta:
        model = StudyPreferences
        fields = [
            "desired_retention", "new_per_day", "reviews_per_day", "learning_steps", "relearning_steps",
            "maximum_interval", "leech_threshold", "keys_enabled",
        ]
        help_texts = {
            "maximum_interval": "Days, up to 36500.",
            "leech_threshold": "Lapses before a card is tagged a leech and suspended.",
            "keys_enabled": "Turn off if the keys get in the way of your assistive technology.",
        }
        labels = {"keys_enabled": "Use keyboard shortcuts while reviewing"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prefs = self.instance
        if not self.is_bound:
            self.initial["learning_steps"] = " ".join(str(s) for s in prefs.learning_steps)
            self.initial["relearning_steps"] = " ".join(str(s) for s in prefs.relearning_steps)
        keys = prefs.keys or {}
        for action in ACTIONS:
            self.fields[f"key_{action}"] = forms.CharField(
                required=False, max_length=40, initial=(keys.get(action) or "").replace(" ", "Space"),
                label=action.capitalize() if action != "show" else "Show answer",
            )

    def key_fields(self):
        return [self[f"key_{a}"] for a in ACTIONS]

    def clean_learning_steps(self):
        return _steps(self.cleaned_data.get("learning_steps") or "", "Learning steps")

    def clean_relearning_steps(self):
        return _steps(self.cleaned_data.get("relearning_steps") or "", "Relearning steps")

    def clean(self):
        data = super().clean()
        keys, seen = {}, {}
        for action in ACTIONS:
            raw = (data.get(f"key_{action}") or "").strip()
            parts = [p.strip() for p in raw.split(",") if p.strip()]
            parts = [" " if p.lower() == "space" else p for p in parts]
            for part in parts:
                if len(part) > 1 and part not in ("Enter", "Escape", "Backspace", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"):
                    self.add_error(f"key_{action}", f"'{part}' is not a key: use one character, Space, Enter or an arrow key name")
                lowered = part.lower() if len(part) == 1 else part
                if lowered in seen and seen[lowered] != action:
                    self.add_error(f"key_{action}", f"'{part}' is already used for {seen[lowered]}")
                seen[lowered] = action
            keys[action] = ",".join(parts)
        data["keys"] = keys
        return data
