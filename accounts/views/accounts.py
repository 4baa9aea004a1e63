from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.client_ip import client_ip
from accounts.services.tokens import api_token_create, api_token_revoke
from accounts.throttle import signup_count, signup_wait_seconds
from accounts.usernames import username_problem


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional. Only used to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_username(self):
        # The field has already normalised it to NFKC.
        username = super().clean_username()  # None when it is taken (the error is already added)
        problem = username and username_problem(username)
        if problem:
            raise forms.ValidationError(problem, code="mixed_scripts")
        return username


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="For example: “grading script on my laptop”.")


def _next_url(request) -> str:
    """Where to go after signing up: the log-in page's `next` (a join link, say)
    when it points into this site, else "" (an open redirect otherwise)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return ""


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("learning:home")
    ip = client_ip(request)
    wait = signup_wait_seconds(ip=ip) if request.method == "POST" else 0
    if wait:
        minutes = -(-wait // 60)
        throttled = f"Too many accounts were made from your network in the last hour. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        return render(request, "registration/signup.html", {"form": SignupForm(), "throttled": throttled}, status=429)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        signup_count(ip=ip)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        next_url = _next_url(request)
        if next_url:
            messages.success(request, f"Welcome, {user.username}!")
            return redirect(next_url)
        messages.success(request, f"Welcome, {user.username}! Start with the first lesson below.")
        return redirect("learning:home")
    return render(request, "registration/signup.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = request.user.api_tokens.all()
    return render(request, "registration/account.html", {"form": form, "tokens": tokens, "new_secret": new_secret})


@login_required
@require_POST
def token_revoke(request, token_id):
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "Token revoked. Scripts using it will get 401 from now on.")
    else:
        messages.error(request, "That token does not exist or was already revoked.")
    return redirect("account")
