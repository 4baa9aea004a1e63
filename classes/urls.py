from django.urls import path

from classes.views import classes

app_name = "classes"

urlpatterns = [
    path("", classes.mine, name="mine"),
    path("new/", classes.create, name="new"),
    path("join/", classes.join, name="join"),
    path("join/<str:code>/", classes.join, name="join-link"),
    path("timezone/", classes.timezone_set, name="timezone"),
    path("<int:class_id>/", classes.detail, name="detail"),
    path("<int:class_id>/code/rotate/", classes.code_rotate, name="code-rotate"),
    path("<int:class_id>/code/open/", classes.join_open_set, name="join-open"),
    path("<int:class_id>/lab-variant/", classes.lab_variant_set, name="lab-variant"),
    path("<int:class_id>/instructors/", classes.instructor_add_view, name="instructor-add"),
    path("<int:class_id>/assignments/", classes.assignment_add, name="assignment-add"),
    path("<int:class_id>/assignments/<int:assignment_id>/edit/", classes.assignment_edit, name="assignment-edit"),
    path("<int:class_id>/assignments/<int:assignment_id>/delete/", classes.assignment_delete_view, name="assignment-delete"),
    path("<int:class_id>/gradebook/", classes.gradebook, name="gradebook"),
    path("<int:class_id>/gradebook.csv", classes.gradebook_csv, name="gradebook-csv"),
    path("<int:class_id>/labs/<slug:slug>/", classes.lab_report, name="lab"),
    path("<int:class_id>/students/<int:user_id>/", classes.student_detail, name="student"),
    path("<int:class_id>/students/<int:user_id>/remove/", classes.student_remove_view, name="student-remove"),
]
