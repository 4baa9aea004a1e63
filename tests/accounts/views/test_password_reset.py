import re

from django.core import mail

from accounts.services.tokens import api_token_authenticate, api_token_create


def _reset_link(client, email):
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def test_the_log_in_page_links_to_the_reset(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page and "Forgot your password?" in page


def test_a_reset_link_by_e_mail_sets_a_new_password_and_revokes_the_api_tokens(client, alice):
    _token, secret = api_token_create(user=alice, name="laptop")
    link = _reset_link(client, "alice@example.com")
    assert mail.outbox[0].to == ["alice@example.com"] and mail.outbox[0].subject == "Reset your Redrive password"
    form = client.get(link, follow=True)  # Django moves the token out of the URL into the session first
    assert form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-fresh-pass-phrase-9", "new_password2": "a-fresh-pass-phrase-9"}, follow=True
    )
    assert "1 API token stopped working" in done.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("a-fresh-pass-phrase-9")
    assert api_token_authenticate(secret=secret) is None
    # The link worked once.
    assert not client.get(link, follow=True).context["validlink"]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, alice):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []
