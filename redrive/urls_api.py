from django.urls import include, path

urlpatterns = [
    path("flashcards/", include("flashcards.urls_api")),
    path("classes/", include("classes.urls_api")),
    path("", include("labs.urls_api")),
]
