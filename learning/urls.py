from django.urls import path

from learning.views import course, site

app_name = "learning"

urlpatterns = [
    path("", course.home, name="home"),
    path("lessons/<slug:slug>/", course.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/complete/", course.lesson_complete_view, name="lesson-complete"),
    path("lessons/<slug:slug>/checks/<slug:check_id>/", course.quick_check_answer_view, name="quick-check"),
    path("search/", course.search, name="search"),
    path("theme/", site.theme, name="theme"),
]
