"""The address a request came from, behind a configured number of trusted proxies.

Every part of Kinfolk that needs the client's address asks `client_ip()`: the audit
trail (core.audit), allauth's sign-in rate limits (accounts.adapters.AccountAdapter)
and anything added later. Two readings that disagree would let a client be one
address to the rate limiter and another to the audit log.

X-Forwarded-For is a list each proxy appends to: `<what the client sent>, <what
proxy 1 saw>, ..., <what proxy N-1 saw>`, with proxy N's own peer in REMOTE_ADDR.
Only the last `KINFOLK_TRUSTED_PROXY_COUNT` entries were written by proxies we run;
anything to their left came from the client and is ignored. docs/deploy.md says how
to choose the count.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def parse_ip(value: str | None) -> str | None:
    """A canonical IP address from `value`, or None if it is not one.

    Accepts the forms proxies write: `203.0.113.9`, `203.0.113.9:51234`,
    `2001:db8::1` and `[2001:db8::1]:443`.
    """
    if not value:
        return None
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        # IPv4 with a port; a bare IPv6 address has at least two colons.
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the Nth entry from the right of X-Forwarded-For, else REMOTE_ADDR.

    With no trusted proxy (the default) X-Forwarded-For is the client's own claim
    and is ignored. A header with fewer entries than trusted proxies, or a rubbish
    entry where the client's address should be, means the request did not come
    through every proxy we run: fall back to REMOTE_ADDR, the connection's real
    peer, so a client can never choose its own address. Falling back makes the
    limits stricter (requests share the proxy's address), never looser.
    """
    remote = parse_ip(request.META.get("REMOTE_ADDR"))
    proxies: int = settings.KINFOLK_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < proxies:
        return remote
    return parse_ip(entries[-proxies]) or remote
