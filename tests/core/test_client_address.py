"""The client's address behind 0, 1 or 2 trusted proxies, read alike by the audit trail and the sign-in limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.adapters import AccountAdapter
from core.models import AuditEvent
from core.network import client_ip
from tests import factories

PROXY = "10.0.0.2"
SPOOF = "198.51.100.66"
REAL = "203.0.113.9"
WRONG = "not the password at all"


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        # No trusted proxy: the header is the client's own claim and is ignored.
        (0, REAL, SPOOF, REAL),
        (0, REAL, None, REAL),
        # One proxy (nginx) appends the address it saw: the last entry.
        (1, PROXY, REAL, REAL),
        (1, PROXY, f"{SPOOF}, {REAL}", REAL),
        (1, PROXY, f"{SPOOF},{SPOOF}, {REAL}", REAL),
        # Two (a load balancer, then nginx, which appends the balancer's address).
        (2, PROXY, f"{REAL}, 10.0.0.1", REAL),
        (2, PROXY, f"{SPOOF}, {REAL}, 10.0.0.1", REAL),
        # A request that did not pass every trusted proxy falls back to the socket's peer.
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (2, PROXY, REAL, PROXY),
        # Rubbish where the address should be is not trusted.
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, f"{REAL}, unknown", PROXY),
        (2, PROXY, f"{REAL}, , ", PROXY),
        # Ports and brackets some balancers add, and IPv6 in canonical form.
        (1, PROXY, f"{REAL}:51234", REAL),
        (1, PROXY, "[2001:DB8::1]:443", "2001:db8::1"),
        (1, PROXY, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_nth_entry_from_the_right_of_x_forwarded_for(
    settings: Any, rf: RequestFactory, proxies: int, remote_addr: str, forwarded_for: str | None, expected: str
) -> None:
    settings.KINFOLK_TRUSTED_PROXY_COUNT = proxies
    meta: dict[str, Any] = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = rf.get("/", **meta)
    assert client_ip(request) == expected
    # allauth's rate limits key on the same address.
    assert AccountAdapter(request).get_client_ip(request) == expected


def test_a_request_without_a_usable_address_has_none(settings: Any, rf: RequestFactory) -> None:
    settings.KINFOLK_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="garbage")
    assert client_ip(request) is None


def test_the_audit_trail_records_the_address_behind_the_proxy(settings: Any, alice: Any, empty_cache: None) -> None:
    settings.KINFOLK_TRUSTED_PROXY_COUNT = 1
    Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOF}, {REAL}").post(
        reverse("account_login"), {"login": alice.email, "password": WRONG}
    )
    event = AuditEvent.objects.get(action="login_failed")
    assert event.ip_address == REAL


def test_the_per_address_limit_counts_the_client_behind_the_proxy_not_the_proxy(
    settings: Any, alice: Any, bob: Any, empty_cache: None
) -> None:
    settings.KINFOLK_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip,5/15m/key"}

    def attempt(forwarded_for: str, email: str, password: str) -> list[str]:
        response = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for).post(
            reverse("account_login"), {"login": email, "password": password}
        )
        return [str(e) for e in response.context["form"].non_field_errors()] if response.status_code == 200 else []

    for i in range(3):
        attempt(REAL, f"someone{i}@example.gov.uk", WRONG)
    # A fresh spoofed entry does not make the same client look new.
    assert attempt(f"198.51.100.7, {REAL}", bob.email, factories.PASSWORD) == [
        "Too many failed login attempts. Try again later."
    ]
    # Another client behind the same proxy signs in.
    assert attempt("203.0.113.50", alice.email, factories.PASSWORD) == []
