from django.urls import NoReverseMatch, reverse

THEMES = ("light", "dark", "auto")


def site(request):
    theme = request.COOKIES.get("theme", "auto")
    badges = {}
    classes_url = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from django.utils import timezone

        from flashcards.selectors.queue import due_badge_for

        badges["flashcards"] = due_badge_for(user=user, now=timezone.now())
        try:
            classes_url = reverse("classes:mine")
        except NoReverseMatch:
            classes_url = None
    return {
        "theme": theme if theme in THEMES else "auto",
        "nav_badges": badges,
        "nav_classes_url": classes_url,
    }
