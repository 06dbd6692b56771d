"""The test suite's authenticator: a code never read too late to reach the server in its window."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests import factories


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


def code_for_window(window: int) -> str:
    return str(format_hotp_value(hotp_value(factories.TOTP_SECRET, window)))


def test_a_code_read_in_the_last_seconds_of_its_window_is_the_next_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    window = 59_000_000
    clock = FakeClock(window * 30 + 29.5)
    monkeypatch.setattr(factories, "time", clock)
    assert factories.current_totp_code() == code_for_window(window + 1)
    assert clock.slept == pytest.approx(0.5)


def test_a_code_read_early_in_its_window_is_given_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    window = 59_000_000
    clock = FakeClock(window * 30 + 10)
    monkeypatch.setattr(factories, "time", clock)
    assert factories.current_totp_code() == code_for_window(window)
    assert clock.slept == 0


def test_a_second_sign_in_in_the_same_window_waits_for_a_code_not_yet_used(monkeypatch: pytest.MonkeyPatch) -> None:
    window = 59_000_001
    clock = FakeClock(window * 30 + 5)
    monkeypatch.setattr(factories, "time", clock)
    monkeypatch.setattr(factories, "_CODES_GIVEN", set())
    user = SimpleNamespace(pk=7)
    first = factories.current_totp_code(for_user=user)
    second = factories.current_totp_code(for_user=user)
    assert (first, second) == (code_for_window(window), code_for_window(window + 1))
    assert factories.current_totp_code(for_user=SimpleNamespace(pk=8)) == code_for_window(window + 1)
