"""`Authorization: Bearer <token>` for the JSON API.

Only /api/ paths accept a bearer token (plus views that opt in with
`accepts_bearer_token`, such as CSV exports). A request authenticated this way
carries no session cookie, so it is exempt from CSRF checks, as a token
cannot be sent by a browser on another site's behalf.
"""

from functools import wraps

from django.http import JsonResponse

from accounts.services.tokens import api_token_authenticate


def _bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return secret.strip()
    return None


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.token_auth = False
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        secret = _bearer(request)
        if secret is None:
            return None
        if not (request.path.startswith("/api/") or getattr(view_func, "accepts_bearer_token", False)):
            return None
        user = api_token_authenticate(secret=secret)
        if user is None:
            return token_refused()
        request.user = user
        request.token_auth = True
        request._dont_enforce_csrf_checks = True
        return None


def token_refused() -> JsonResponse:
    return JsonResponse({"error": "invalid or revoked API token"}, status=401)


def accepts_bearer_token(view):
    view.accepts_bearer_token = True
    return view


def api_login_required(view):
    """JSON 401 instead of a login redirect, for API views."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"error": "authentication required: send Authorization: Bearer <token>"}, status=401)
        return view(request, *args, **kwargs)

    return wrapped
