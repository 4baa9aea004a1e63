from accounts.services.passwords import password_set
from accounts.services.tokens import api_token_authenticate, api_token_create


def test_password_set_revokes_every_live_token_unless_kept(alice, bob):
    _a1, first = api_token_create(user=alice, name="one")
    _a2, second = api_token_create(user=alice, name="two")
    _b, bobs = api_token_create(user=bob, name="bob's")
    assert password_set(user=alice, password="n3w-pass-phrase", keep_api_tokens=True) == 0
    assert api_token_authenticate(secret=first) == alice
    assert password_set(user=alice, password="n3w-pass-phrase-2") == 2
    assert api_token_authenticate(secret=first) is None and api_token_authenticate(secret=second) is None
    assert api_token_authenticate(secret=bobs) == bob
    alice.refresh_from_db()
    assert alice.check_password("n3w-pass-phrase-2")
