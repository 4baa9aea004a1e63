from django.contrib import admin

from learning.models import Lesson, LessonProgress, Module, QuickCheck


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
