"""Context for the navigation, which shows what several apps hold: it lives
here, above the apps, so that no app imports another to draw the menu."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from flashcards.selectors.queue import due_badge_for


def navigation(request):
    badges = {}
    classes_url = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: only a full page draws the menu. A partial (the lab page's status
        # poll, several a second) must not pay for a count of due cards.
        badges = SimpleLazyObject(lambda: {"flashcards": due_badge_for(user=user, now=timezone.now())})
        try:
            classes_url = reverse("classes:mine")
        except NoReverseMatch:
            classes_url = None
    return {"nav_badges": badges, "nav_classes_url": classes_url}
