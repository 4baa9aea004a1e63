from django.urls import path

from labs.views import pages

app_name = "labs"
urlpatterns = [
    path("", pages.catalog, name="catalog"),
    path("<slug:slug>/", pages.lab_detail, name="detail"),
    path("<slug:slug>/run/", pages.submit, name="submit"),
    path("<slug:slug>/hints/", pages.hint_reveal, name="hint"),
    path("<slug:slug>/draft/", pages.draft, name="draft"),
    path("<slug:slug>/start-over/", pages.start_over, name="start_over"),
    path("<slug:slug>/attempts/<int:submission_id>/", pages.attempt_detail, name="attempt"),
    path("<slug:slug>/attempts/<int:submission_id>/status/", pages.attempt_status, name="status"),
]
