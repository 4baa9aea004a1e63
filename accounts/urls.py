from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import accounts, passwords

urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", accounts.account, name="account"),
    path("tokens/<int:token_id>/revoke/", accounts.token_revoke, name="token-revoke"),
]
