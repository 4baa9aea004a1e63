from django.contrib import admin
from django.urls import include, path

from redrive.api import api_urlpatterns
from redrive.health import healthz

# The API first: its clients make the most requests, and each tries the patterns in order.
urlpatterns = [
    path("api/", include((api_urlpatterns(), "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("flashcards/", include("flashcards.urls")),
    path("labs/", include("labs.urls")),
    path("classes/", include("classes.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("learning.urls")),
]

handler404 = "learning.views.errors.not_found"
