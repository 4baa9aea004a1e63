from django.test import RequestFactory

from accounts.client_ip import client_ip


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_proxy_the_peer_is_the_client_whatever_the_header_says(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "198.51.100.1"


def test_behind_proxies_the_entry_they_wrote_counts_not_what_the_client_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1")
    assert client_ip(request) == "203.0.113.7"


def test_a_short_or_garbled_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")) == "10.0.0.2"
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk, 10.0.0.1")) == "10.0.0.2"


def test_a_request_made_in_code_has_no_address():
    request = _request()
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) is None
