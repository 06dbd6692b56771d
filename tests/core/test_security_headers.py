"""Security headers on every response; no caching of signed-in pages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories

PUBLIC = ["/accounts/login/", "/accessibility/", "/healthz", "/no-such-page/"]
SIGNED_IN = ["/", "/families/", "/accounts/2fa/", "/no-such-page/"]


def _assert_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PUBLIC)
def test_public_responses_carry_the_security_headers(db, path) -> None:
    _assert_headers(Client().get(path, secure=True))


@pytest.mark.parametrize("path", SIGNED_IN)
def test_signed_in_responses_carry_the_security_headers_and_are_never_cached(alice, path) -> None:
    response = factories.login(Client(), alice).get(path, secure=True)
    _assert_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_https_responses_carry_strict_transport_security_for_a_year(db) -> None:
    hsts = Client().get("/accounts/login/", secure=True)["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_session_and_csrf_cookies_are_http_only(alice) -> None:
    client = Client()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": alice.email, "password": factories.PASSWORD})
    session_cookie = response.cookies.get("sessionid")
    assert session_cookie is not None
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_error_pages_use_the_service_layout(db) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"govuk-template" in response.content


def test_a_refused_page_uses_the_service_layout(ada) -> None:
    response = factories.login(Client(), ada).get("/django-admin/core/auditevent/add/")
    assert response.status_code == 403
    assert b"govuk-template" in response.content
    assert "no-store" in response["Cache-Control"]
