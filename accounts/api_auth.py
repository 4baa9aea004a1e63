"""`Authorization: Bearer <token>` for the JSON API.

Only /api/ paths accept a bearer token (plus views that opt in with
`accepts_bearer_token`, such as CSV exports). A request authenticated this way
carries no session cookie, so it is exempt from CSRF checks, as a token
cannot be sent by a browser on another site's behalf.
"""

from functools import wraps

from ninja.security import HttpBearer, SessionAuth

from accounts.api_errors import api_error_response
from accounts.services.tokens import api_token_authenticate

NEED_TOKEN = "authentication required: send Authorization: Bearer <token>"


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


def token_refused():
    return api_error_response(
        "invalid or revoked API token", status=401, detail=[("Authorization", "this token is unknown or was revoked")]
    )


def accepts_bearer_token(view):
    view.accepts_bearer_token = True
    return view


def api_login_required(view):
    """JSON 401 instead of a login redirect, for API views."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return api_error_response(NEED_TOKEN, status=401, detail=[("Authorization", "no token and no session")])
        return view(request, *args, **kwargs)

    return wrapped


class BearerToken(HttpBearer):
    """The API's token auth (django-ninja). The token was already checked by
    BearerTokenMiddleware, through the cached look-up, before any view ran (a
    bad one answered 401 there): this accepts the user it set, so a token is
    looked up once per request and in one place. Declared as HTTP bearer in
    the OpenAPI document."""

    def __call__(self, request):
        return request.user if getattr(request, "token_auth", False) else None

    def authenticate(self, request, token):  # pragma: no cover - __call__ never reaches it
        return None


class SessionWithCsrf(SessionAuth):
    """A logged-in browser session, as the API always accepted. django-ninja
    exempts its views from Django's CSRF middleware, so this auth runs the
    CSRF check itself (ninja's APIKeyCookie with csrf=True): a cross-site
    form cannot post to the API with a learner's cookie. Token requests never
    get here (BearerToken answers first)."""

    def __init__(self):
        super().__init__(csrf=True)


def api_auth() -> list:
    return [BearerToken(), SessionWithCsrf()]
