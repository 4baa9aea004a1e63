"""Password reset by e-mail: Django's views, with the new password set through
accounts.services.passwords.password_set so a reset revokes the API tokens as a
password change does (whoever knew the old password may have made one)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.urls import reverse_lazy

from accounts.services.passwords import password_set


class ResetSetPasswordForm(SetPasswordForm):
    def save(self, commit=True):
        self.revoked = password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The complete page tells the learner their scripts need a new token.
        self.request.session["reset_revoked_tokens"] = form.revoked
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "revoked_tokens": self.request.session.pop("reset_revoked_tokens", 0)}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        return {**super().get_context_data(**kwargs), "timeout": f"{hours} hour{'s' if hours != 1 else ''}"}
