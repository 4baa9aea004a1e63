from django.urls import path

from labs.views import api

app_name = "labs_api"
urlpatterns = [
    path("labs/<slug:slug>/submissions/", api.submission_create_api, name="submissions"),
    path("submissions/<int:submission_id>/", api.submission_detail_api, name="submission"),
]
