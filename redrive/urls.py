from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("learning.urls_accounts")),
    path("flashcards/", include("flashcards.urls")),
    path("labs/", include("labs.urls")),
    path("classes/", include("learning.urls_classes")),
    path("api/", include("redrive.urls_api")),
    path("", include("learning.urls")),
]

handler404 = "learning.views.errors.not_found"
