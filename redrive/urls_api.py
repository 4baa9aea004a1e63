from django.urls import include, path

urlpatterns = [
    path("flashcards/", include("flashcards.urls_api")),
    path("classes/", include("learning.urls_api_classes")),
    path("", include("labs.urls_api")),
]
