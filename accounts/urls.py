from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import accounts, login, password_reset, passwords

urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", login.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Reset by e-mail. The names are the ones Django's views and e-mail template reverse.
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", password_reset.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", password_reset.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", password_reset.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", accounts.account, name="account"),
    path("tokens/<int:token_id>/revoke/", accounts.token_revoke, name="token-revoke"),
]
