from accounts.models import ApiToken


def test_sign_up_logs_the_learner_in(client, db):
    response = client.post(
        "/accounts/signup/", {"username": "carol", "email": "", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "carol"


def test_sign_up_with_mismatched_passwords_explains(client, db):
    response = client.post("/accounts/signup/", {"username": "carol", "password1": "a-long-pass-phrase-42", "password2": "nope"})
    assert response.status_code == 200
    assert "password fields didn’t match" in response.content.decode()


def test_log_in_and_out(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_change_password(alice_client, alice):
    response = alice_client.post(
        "/accounts/password/",
        {"old_password": "correct-horse-battery", "new_password1": "another-pass-phrase-7", "new_password2": "another-pass-phrase-7"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-pass-phrase-7")


def test_a_created_token_is_shown_once_and_stored_hashed(alice_client, alice):
    response = alice_client.post("/accounts/", {"name": "laptop"})
    secret = response.context["new_secret"]
    assert secret.startswith("rdv_")
    token = ApiToken.objects.get(user=alice)
    assert token.digest != secret and secret not in token.digest
    assert secret not in alice_client.get("/accounts/").content.decode()


def test_a_learner_can_revoke_only_their_own_tokens(alice_client, alice, bob):
    from accounts.services.tokens import api_token_create

    bobs, _ = api_token_create(user=bob, name="bob's")
    alice_client.post(f"/accounts/tokens/{bobs.id}/revoke/")
    bobs.refresh_from_db()
    assert bobs.revoked_at is None
    mine, _ = api_token_create(user=alice, name="mine")
    alice_client.post(f"/accounts/tokens/{mine.id}/revoke/")
    mine.refresh_from_db()
    assert mine.revoked_at is not None


def test_account_page_requires_login(client, db):
    assert client.get("/accounts/").status_code == 302


def test_the_sign_up_link_on_log_in_keeps_next_and_sign_up_goes_there(client, db):
    page = client.get("/accounts/login/?next=/classes/join/K7PQ2XMA/").content.decode()
    assert 'href="/accounts/signup/?next=/classes/join/K7PQ2XMA/"' in page
    form = client.get("/accounts/signup/?next=/classes/join/K7PQ2XMA/").content.decode()
    assert 'name="next" value="/classes/join/K7PQ2XMA/"' in form
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42", "next": "/classes/join/K7PQ2XMA/"},
    )
    assert response.status_code == 302 and response["Location"] == "/classes/join/K7PQ2XMA/"


def test_sign_up_ignores_a_next_that_leaves_the_site(client, db):
    response = client.post(
        "/accounts/signup/?next=https://evil.example/",
        {"username": "carol", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42", "next": "//evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
