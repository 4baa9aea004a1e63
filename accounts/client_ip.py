"""The address a request came from, for throttling log-ins and sign-ups.

Without a proxy it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT proxies, each
of which appends the address it received from to X-Forwarded-For, the
client's address is that many entries from the right: entries further left
were written by the client and prove nothing (taking the left-most would let
anyone pick an address per request and escape every limit).
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """None when the request has no peer address (a request made in code, as
    the test client's force_login does)."""
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote  # not through every proxy we expect: the nearest peer is all we know
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that writes something else is misconfigured: do not store its text
        return remote
