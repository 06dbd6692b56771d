"""The idle and 12-hour limits, timed from what the middleware itself recorded at sign-in.

Each test signs in through the real pages (password, then the authenticator
code) and only then moves the clock the middleware reads; nothing writes the
session by hand.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.middleware import SESSION_STARTED
from tests import factories

MINUTE = 60
HOUR = 60 * MINUTE


class Clock:
    """What `time` is to the middleware: a clock that moves only when told."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # Whole seconds, so "exactly 12 hours later" is exact in floating point.
    clock = Clock(float(int(time.time())))
    monkeypatch.setattr("core.middleware.time", clock)
    return clock


def sign_in(user: User) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": factories.current_totp_code()})
    assert response.status_code == 302
    return client


def _signed_out_to_login(client: Client, response, *, next_path: str, message: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={next_path.replace('/', '%2F')}"
    assert "_auth_user_id" not in client.session
    assert message in client.get(response["Location"]).content.decode()


def test_a_session_in_use_all_day_is_signed_out_just_after_12_hours_from_sign_in(alice: User, clock: Clock) -> None:
    client = sign_in(alice)
    signed_in_at = clock.now
    assert client.get("/").status_code == 200
    assert client.session[SESSION_STARTED] == signed_in_at
    # Used every 29 minutes, so never idle, for 11 hours 36 minutes.
    for _ in range(24):
        clock.advance(29 * MINUTE)
        assert client.get("/families/").status_code == 200
    clock.advance(signed_in_at + 12 * HOUR - clock.now)
    assert client.get("/families/").status_code == 200, "exactly 12 hours is still within the limit"
    clock.advance(1)
    _signed_out_to_login(
        client, client.get("/families/"), next_path="/families/", message="your session reached its 12-hour limit"
    )
    assert client.get("/").status_code == 302


def test_each_request_restarts_the_30_idle_minutes_and_a_31st_signs_out(alice: User, clock: Clock) -> None:
    client = sign_in(alice)
    assert client.get("/").status_code == 200
    clock.advance(30 * MINUTE)
    assert client.get("/families/").status_code == 200, "exactly 30 idle minutes is still allowed"
    clock.advance(30 * MINUTE)
    assert client.get("/families/").status_code == 200, "the previous request restarted the idle time"
    clock.advance(30 * MINUTE + 1)
    _signed_out_to_login(
        client, client.get("/families/"), next_path="/families/", message="you had not used Kinfolk for 30 minutes"
    )


def test_a_visitor_who_is_not_signed_in_is_never_timed_out(db: None, clock: Clock) -> None:
    client = Client()
    assert client.get(reverse("account_login")).status_code == 200
    clock.advance(13 * HOUR)
    assert client.get(reverse("account_login")).status_code == 200
    assert SESSION_STARTED not in client.session
