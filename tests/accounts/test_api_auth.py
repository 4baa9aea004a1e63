import json

import pytest

from django.http import JsonResponse
from django.test import RequestFactory

from accounts.api_auth import BearerTokenMiddleware, accepts_bearer_token, api_login_required
from accounts.services.tokens import api_token_create, api_token_revoke


@api_login_required
def whoami(request):
    return JsonResponse({"user": request.user.username})


def _run(path, header=None, view=whoami):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path, **({"HTTP_AUTHORIZATION": header} if header else {}))
    request.user = AnonymousUser()
    middleware = BearerTokenMiddleware(lambda r: view(r))
    early = middleware.process_view(request, view, (), {})
    return early or view(request)


def test_a_valid_bearer_token_authenticates_api_requests(alice):
    _token, secret = api_token_create(user=alice, name="t")
    response = _run("/api/whoami/", f"Bearer {secret}")
    assert json.loads(response.content) == {"user": "alice"}


def test_a_revoked_token_gets_401(alice):
    token, secret = api_token_create(user=alice, name="t")
    api_token_revoke(user=alice, token_id=token.id)
    response = _run("/api/whoami/", f"Bearer {secret}")
    assert response.status_code == 401


def test_a_wrong_token_gets_401(db):
    assert _run("/api/whoami/", "Bearer rdv_nonsense").status_code == 401


def test_no_token_gets_a_json_401(db):
    response = _run("/api/whoami/")
    assert response.status_code == 401 and "Bearer" in json.loads(response.content)["error"]


def test_tokens_are_ignored_outside_the_api_unless_the_view_opts_in(alice):
    _token, secret = api_token_create(user=alice, name="t")
    assert _run("/lessons/x/", f"Bearer {secret}").status_code == 401
    assert json.loads(_run("/classes/1/gradebook.csv", f"Bearer {secret}", view=accepts_bearer_token(api_login_required(lambda r: JsonResponse({"user": r.user.username})))).content) == {"user": "alice"}


# Every API view, whether it checks the token in the middleware or in its own
# statement: a revoked token is refused by all of them, none remembering to.
API_GETS = ["/api/flashcards/due/", "/api/submissions/1/", "/api/classes/1/gradebook/"]


@pytest.mark.parametrize("path", API_GETS)
def test_a_revoked_token_is_refused_by_every_api_view(client, alice, path):
    token, secret = api_token_create(user=alice, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(path, **auth).status_code != 401  # authenticated (200, 403 or 404)
    api_token_revoke(user=alice, token_id=token.id)
    assert client.get(path, **auth).status_code == 401
