from django.urls import path

from flashcards.views import api

urlpatterns = [
    path("due/", api.due, name="flashcards-api-due"),
    path("reviews/", api.reviews, name="flashcards-api-reviews"),
]
