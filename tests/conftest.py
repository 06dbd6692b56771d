"""Personas and shared fixtures.

alice   practitioner in North (allocated to the north family)
bob     practitioner in South
mo      manager of North (and member)
gina    GCS coordinator for North
vic     volunteer coordinator
fern    FGC coordinator
ada     administrator
val     volunteer
olly    outsider: an account with no role
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Role, Team, User
from families.models import CareLeaver, Family
from tests import factories

pytest_plugins = ["tests.smtp", "tests.browser", "tests.clamd"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2's deliberate slowness is for attackers, not for a test suite of many personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def empty_cache(db: None) -> None:
    """No sign-in rate-limit counters left over from an earlier test.

    They live in the cache table, which a transactional test's flush does not empty
    (Django flushes model tables only), so a browser test's failed sign-ins would
    otherwise count against the next test on the same worker.
    """
    cache.clear()


@pytest.fixture
def north(db: None) -> Team:
    return factories.make_team("Family Safeguarding Team North")


@pytest.fixture
def south(db: None) -> Team:
    return factories.make_team("Family Safeguarding Team South")


@pytest.fixture
def alice(north: Team) -> User:
    return factories.make_user(
        "alice@example.gov.uk", full_name="Alice Practitioner", roles=(Role.PRACTITIONER,), teams=(north,)
    )


@pytest.fixture
def bob(south: Team) -> User:
    return factories.make_user(
        "bob@example.gov.uk", full_name="Bob Practitioner", roles=(Role.PRACTITIONER,), teams=(south,)
    )


@pytest.fixture
def mo(north: Team) -> User:
    user = factories.make_user("mo@example.gov.uk", full_name="Mo Manager", roles=(Role.MANAGER,), teams=(north,))
    north.managers.add(user)
    return user


@pytest.fixture
def gina(north: Team) -> User:
    return factories.make_user(
        "gina@example.gov.uk", full_name="Gina Coordinator", roles=(Role.GCS_COORDINATOR,), teams=(north,)
    )


@pytest.fixture
def vic(db: None) -> User:
    return factories.make_user("vic@example.gov.uk", full_name="Vic Volunteers", roles=(Role.VOLUNTEER_COORDINATOR,))


@pytest.fixture
def fern(db: None) -> User:
    return factories.make_user("fern@example.gov.uk", full_name="Fern Fgc", roles=(Role.FGC_COORDINATOR,))


@pytest.fixture
def ada(db: None) -> User:
    return factories.make_user("ada@example.gov.uk", full_name="Ada Admin", roles=(Role.ADMINISTRATOR,))


@pytest.fixture
def val(db: None) -> User:
    return factories.make_user("val@example.gov.uk", full_name="Val Volunteer", roles=(Role.VOLUNTEER,), mfa=False)


@pytest.fixture
def olly(db: None) -> User:
    return factories.make_user("olly@example.gov.uk", full_name="Olly Outsider")


@pytest.fixture
def north_family(north: Team, alice: User) -> Family:
    return factories.make_family(team=north, practitioner=alice, children=2)


@pytest.fixture
def south_family(south: Team, bob: User) -> Family:
    return factories.make_family(team=south, practitioner=bob)


@pytest.fixture
def north_care_leaver(north: Team, alice: User) -> CareLeaver:
    return factories.make_care_leaver(team=north, adviser=alice)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A test client signed in as the given user, second factor passed."""

    def make(user: User) -> Client:
        return factories.login(Client(), user)

    return make


class Clock:
    """`time.time()` for the whole process, moved forward on demand.

    allauth's reauthentication window, TOTP codes and our session timeouts all
    read `time.time()`, so moving it ages the state the real sign-in wrote
    instead of a test rewriting that state by hand. It runs in the live server's
    thread too. Database timestamps (`timezone.now()`) are not moved.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        real_time = time.time
        monkeypatch.setattr(time, "time", lambda: real_time() + self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


# --- Tests that need parts a machine may lack -----------------------------------
# Skipped with a reason on a developer's machine; CI sets KINFOLK_REQUIRE_ALL=1,
# which turns every such skip into a failure.

REQUIRE_ALL = os.environ.get("KINFOLK_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (KINFOLK_REQUIRE_ALL=1 makes this a failure)")
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests (row locks, triggers, concurrency) run in the PostgreSQL pass."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.db import connection

    lines = [f"database: {connection.vendor}"]
    if connection.vendor != "postgresql":
        lines.append("tests marked 'postgres' are deselected here: run with DATABASE_URL=postgres://… (CI does)")
    return lines
