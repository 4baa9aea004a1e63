from django.contrib import admin

from learning.models import (
    ApiToken,
    Assignment,
    ClassMembership,
    Classroom,
    Lesson,
    LessonProgress,
    Module,
    QuickCheck,
    UserTimezone,
)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "position", "is_active")


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "module", "position", "words", "is_active")
    list_filter = ("module", "is_active")
    search_fields = ("title", "slug")
    readonly_fields = ("segments", "toc", "search_text")


@admin.register(QuickCheck)
class QuickCheckAdmin(admin.ModelAdmin):
    list_display = ("stable_id", "lesson", "kind", "is_active")


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "last_viewed_at", "completed_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest",)


# Classes. Who may create classes is the learning.teach_class permission:
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
