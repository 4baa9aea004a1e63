from django.contrib import admin

from classes.models import Assignment, ClassMembership, Classroom, UserTimezone

# Who may create classes is the classes.teach_class permission:
# grant it on the user's page (user permissions) or with `manage.py grant_instructor`.


class ClassMembershipInline(admin.TabularInline):
    model = ClassMembership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "join_code", "join_open", "created_by", "created_at")
    search_fields = ("name", "join_code")
    inlines = [ClassMembershipInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("classroom", "kind", "lesson", "lab", "due_at")
    list_filter = ("kind",)


@admin.register(UserTimezone)
class UserTimezoneAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "updated_at")
