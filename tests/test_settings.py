"""Settings read from the environment fail loudly, and production refuses unsafe defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "p" * 64


def run_settings(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly these variables, then run `code`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KINFOLK_", "SECRET", "ALLOWED", "DEBUG"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(  # noqa: S603  # our own interpreter running our own snippet
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_settings({"DEBUG": "0", "ALLOWED_HOSTS": "kinfolk.example.gov.uk"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run_settings({"DEBUG": "0", "SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_refuses_a_short_or_development_secret_key() -> None:
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x.gov.uk"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "x.gov.uk",
    "KINFOLK_ORGANISER_EMAIL": "kinfolk-diary@x.gov.uk",
    "KINFOLK_CLAMD_SOCKET": "/run/clamav/clamd.ctl",
}


def test_production_starts_with_a_key_hosts_and_a_malware_scanner() -> None:
    result = run_settings(PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_malware_scanner() -> None:
    result = run_settings({k: v for k, v in PRODUCTION.items() if k != "KINFOLK_CLAMD_SOCKET"})
    assert result.returncode != 0
    assert "Uploads must be scanned for malware" in result.stderr


def test_production_refuses_to_turn_scanning_off_without_a_reason() -> None:
    result = run_settings({**PRODUCTION, "KINFOLK_MALWARE_SCAN": "off"})
    assert result.returncode != 0
    assert "KINFOLK_MALWARE_SCAN_OFF_REASON" in result.stderr


def test_production_may_turn_scanning_off_with_a_reason() -> None:
    reason = "The file share is scanned by the council's endpoint protection"
    result = run_settings({**PRODUCTION, "KINFOLK_MALWARE_SCAN": "off", "KINFOLK_MALWARE_SCAN_OFF_REASON": reason})
    assert result.returncode == 0, result.stderr


def test_production_scans_through_a_host_and_port_as_well() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "KINFOLK_CLAMD_SOCKET"}
    result = run_settings({**env, "KINFOLK_CLAMD_HOST": "clamav.internal", "KINFOLK_CLAMD_PORT": "3310"})
    assert result.returncode == 0, result.stderr


def test_development_runs_without_a_scanner_and_the_checks_say_so() -> None:
    """`make run` must work on a machine without ClamAV."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KINFOLK_", "SECRET", "ALLOWED", "DEBUG"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "KINFOLK_DEMO": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Uploads are not scanned for malware" in result.stdout + result.stderr


def test_a_malformed_boolean_stops_start_up_naming_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("KINFOLK_X", "perhaps")
    with pytest.raises(ImproperlyConfiguredEnv, match="KINFOLK_X"):
        env_bool("KINFOLK_X", False)


def test_a_malformed_number_stops_start_up_naming_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("KINFOLK_N", "ten")
    with pytest.raises(ImproperlyConfiguredEnv, match="KINFOLK_N"):
        env_int("KINFOLK_N", 1)


def test_lists_are_comma_separated_and_trimmed(monkeypatch) -> None:
    monkeypatch.setenv("KINFOLK_L", " a.gov.uk, b.gov.uk ,,")
    assert env_list("KINFOLK_L") == ["a.gov.uk", "b.gov.uk"]


def test_the_session_and_mail_limits_are_set(settings) -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    assert settings.EMAIL_TIMEOUT > 0


def test_the_trusted_proxy_count_is_read_from_the_environment_and_cannot_be_negative() -> None:
    show = "from django.conf import settings; print(settings.KINFOLK_TRUSTED_PROXY_COUNT)"
    assert run_settings({"DEBUG": "1"}, show).stdout.strip() == "0"
    assert run_settings({"DEBUG": "1", "KINFOLK_TRUSTED_PROXY_COUNT": "2"}, show).stdout.strip() == "2"
    result = run_settings({"DEBUG": "1", "KINFOLK_TRUSTED_PROXY_COUNT": "-1"})
    assert result.returncode != 0
    assert "KINFOLK_TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr
