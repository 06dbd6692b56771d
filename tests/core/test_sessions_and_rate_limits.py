"""Sign-in rate limits on the shared cache, and idle and absolute session timeouts."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests import factories


def _login_error(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_repeated_failed_sign_ins_are_throttled(alice, empty_cache) -> None:
    client = Client()
    for i in range(5):
        response = client.post(reverse("account_login"), {"login": alice.email, "password": f"wrong-{i}"})
        assert _login_error(response) == ["The email address and/or password you specified are not correct."]
    response = client.post(reverse("account_login"), {"login": alice.email, "password": "wrong-again"})
    assert _login_error(response) == ["Too many failed login attempts. Try again later."]
    # Even the right password is refused while the limit holds.
    right = client.post(reverse("account_login"), {"login": alice.email, "password": factories.PASSWORD})
    assert _login_error(right) == ["Too many failed login attempts. Try again later."]
    assert "_auth_user_id" not in client.session


def test_the_limit_for_one_account_holds_across_addresses(alice, empty_cache) -> None:
    for i in range(5):
        Client(REMOTE_ADDR=f"10.0.0.{i}").post(reverse("account_login"), {"login": alice.email, "password": "nope"})
    response = Client(REMOTE_ADDR="10.0.0.99").post(
        reverse("account_login"), {"login": alice.email, "password": factories.PASSWORD}
    )
    assert _login_error(response) == ["Too many failed login attempts. Try again later."]


def test_the_rate_limit_is_kept_in_the_shared_database_cache(settings) -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def _signed_in(alice) -> Client:
    client = Client()
    factories.sign_in(client, alice)
    assert client.get("/").status_code == 200
    return client


def test_a_session_idle_for_more_than_30_minutes_is_signed_out(alice, clock) -> None:
    client = _signed_in(alice)
    clock.advance(31 * 60)
    response = client.get("/families/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get("/").status_code == 302


def test_a_session_used_within_30_minutes_stays_signed_in(alice, clock) -> None:
    client = _signed_in(alice)
    for _ in range(4):
        clock.advance(29 * 60)
        assert client.get("/families/").status_code == 200


def test_a_session_older_than_12_hours_is_signed_out_however_active(alice, clock) -> None:
    client = _signed_in(alice)
    for _ in range(24):  # a request every 30 minutes less a second, for 12 hours less 24 seconds
        clock.advance(30 * 60 - 1)
        assert client.get("/").status_code == 200
    clock.advance(30)
    response = client.get("/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert b"12-hour limit" in follow.content
