from django.urls import path

from classes.views import classes_api

app_name = "classes_api"

urlpatterns = [
    path("", classes_api.classroom_create_api, name="create"),
    path("join/", classes_api.classroom_join_api, name="join"),
    path("<int:class_id>/assignments/", classes_api.assignment_create_api, name="assignments"),
    path("<int:class_id>/gradebook/", classes_api.gradebook_api, name="gradebook"),
]
