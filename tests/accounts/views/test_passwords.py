from accounts.models import ApiToken
from accounts.services.tokens import api_token_authenticate, api_token_create

CHANGE = {"old_password": "correct-horse-battery", "new_password1": "another-pass-phrase-7", "new_password2": "another-pass-phrase-7"}


def test_changing_the_password_revokes_api_tokens_by_default(alice_client, alice):
    _token, secret = api_token_create(user=alice, name="script")
    assert api_token_authenticate(secret=secret) == alice  # cached now
    response = alice_client.post("/accounts/password/", CHANGE)
    assert response.status_code == 302
    assert api_token_authenticate(secret=secret) is None
    assert not ApiToken.objects.filter(user=alice, revoked_at__isnull=True).exists()
    assert alice_client.get("/accounts/").status_code == 200, "the session that changed it stays logged in"


def test_ticking_keep_my_api_tokens_keeps_them(alice_client, alice):
    _token, secret = api_token_create(user=alice, name="script")
    response = alice_client.post("/accounts/password/", {**CHANGE, "keep_api_tokens": "on"})
    assert response.status_code == 302
    assert api_token_authenticate(secret=secret) == alice
    alice.refresh_from_db()
    assert alice.check_password("another-pass-phrase-7")


def test_the_form_offers_the_choice_unticked(alice_client):
    page = alice_client.get("/accounts/password/").content.decode()
    assert 'name="keep_api_tokens"' in page and "Keep my API tokens" in page
    assert 'name="keep_api_tokens" checked' not in page


def test_a_refused_change_revokes_nothing(alice_client, alice):
    _token, secret = api_token_create(user=alice, name="script")
    response = alice_client.post("/accounts/password/", {**CHANGE, "old_password": "wrong"})
    assert response.status_code == 200
    assert api_token_authenticate(secret=secret) == alice
