from django.contrib import admin

from accounts.models import ApiToken
from accounts.views.login import AdminLoginForm

# The admin's log-in checks the username's length as the site's does.
admin.site.login_form = AdminLoginForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest",)
