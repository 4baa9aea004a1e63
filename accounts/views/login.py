"""Log-in, on the site's page and the admin's: Django's views and forms, with
the username's length checked."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class UsernameLengthChecked:
    """Django's AuthenticationForm sets the username field's max_length only on
    the widget, so an over-long username went on to authenticate(), where
    django-axes records the failed attempt in a varchar(255) column: a 500 on
    PostgreSQL. No account has such a username; say so before authenticating."""

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        user_model = get_user_model()
        limit = user_model._meta.get_field(user_model.USERNAME_FIELD).max_length
        if len(username) > limit:
            raise ValidationError(f"A username has at most {limit} characters.", code="max_length")
        return username


class LoginForm(UsernameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(UsernameLengthChecked, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = LoginForm
