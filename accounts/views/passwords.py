from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm

from accounts.services.passwords import password_set


class PasswordChangeKeepTokensForm(PasswordChangeForm):
    keep_api_tokens = forms.BooleanField(
        required=False,
        label="Keep my API tokens",
        help_text="Unticked (the default), every API token you made stops working, in case someone who knew your old password made one.",
    )

    def save(self, commit=True):
        self.revoked = password_set(
            user=self.user, password=self.cleaned_data["new_password1"], keep_api_tokens=self.cleaned_data["keep_api_tokens"]
        )
        return self.user


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeKeepTokensForm
    success_url = "/accounts/password/done/"

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.revoked:
            messages.info(self.request, f"{form.revoked} API token{'s' if form.revoked != 1 else ''} revoked with your old password.")
        return response
