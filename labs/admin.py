from django.contrib import admin

from labs.models import Lab, Submission


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "difficulty", "position", "is_active", "updated_at")
    list_filter = ("difficulty", "is_active")
    search_fields = ("title", "slug", "stable_id")
    # Synced from course/labs/: edit the files and run sync_course instead.
    readonly_fields = ("stable_id", "instructions", "hints", "grader_files", "source_path", "updated_at")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "lab", "attempt", "status", "score", "duration_ms", "run_count", "created_at")
    list_filter = ("status", "lab")
    search_fields = ("user__username", "lab__slug")
    list_select_related = ("user", "lab")
    date_hierarchy = "created_at"
    # Verdicts come from the grader; an admin changing one by hand would lie to the learner.
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False
