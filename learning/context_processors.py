THEMES = ("light", "dark", "auto")


def site(request):
    theme = request.COOKIES.get("theme", "auto")
    return {"theme": theme if theme in THEMES else "auto"}
