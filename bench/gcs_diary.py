"""Benchmark: diarising a GCS year, its emails, and adding or removing a member.

Builds a group in a throwaway SQLite database (or a `_bench` copy of the
PostgreSQL database named by DATABASE_URL), then measures:

- diarising a year (every 4 weeks: 14 sessions, and weekly: 52) for a group of
  eight people, through the service, and the outbox rows it writes;
- the emails written for a year of sessions for a group of six;
- the response time of the "add a member" and "remove a member" pages (POST
  through Django's test client, the whole middleware stack), and the time of
  the calendar work they leave to the worker, for a weekly group's year.

    .venv/bin/python bench/gcs_diary.py [runs]
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, Team, User  # noqa: E402
from outbox.models import OutboxMessage  # noqa: E402
from supervision import services  # noqa: E402
from supervision.models import Discipline, GroupMember, SupervisionGroup  # noqa: E402
from tests import factories  # noqa: E402

_counter = iter(range(1_000_000))


def make_group(people: int, *, cadence_weeks: int) -> tuple[SupervisionGroup, User]:
    """A group whose invitees are `people` in all: a coordinator and people - 1 members."""
    n = next(_counter)
    team = Team.objects.create(name=f"Bench team {n}", service="Family Safeguarding")
    coordinator = factories.make_user(f"coord{n}@example.gov.uk", roles=(Role.GCS_COORDINATOR,), teams=(team,))
    group = services.create_group(
        team=team, name=f"GCS {n}", coordinator=coordinator, by=coordinator, cadence_weeks=cadence_weeks
    )
    for m in range(people - 1):
        user = factories.make_user(f"m{n}-{m}@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(team,))
        services.add_member(group=group, user=user, discipline=Discipline.SOCIAL_WORKER, by=coordinator)
    return group, coordinator


def first_day() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=7)


def diarise(people: int, cadence_weeks: int) -> tuple[float, int, int]:
    group, coordinator = make_group(people, cadence_weeks=cadence_weeks)
    before = OutboxMessage.objects.count()
    started = time.perf_counter()
    result = services.diarise_series(group=group, first_day=first_day(), by=coordinator)
    elapsed = time.perf_counter() - started
    return elapsed, len(result.created), OutboxMessage.objects.count() - before


def run_worker() -> float:
    """Run what the add/remove left for the worker (nothing if the page did it all); seconds."""
    try:
        from supervision.tasks import run_pending_membership_changes
    except ImportError:
        return 0.0
    started = time.perf_counter()
    run_pending_membership_changes()
    return time.perf_counter() - started


def member_pages(runs: int) -> dict[str, list[float]]:
    group, coordinator = make_group(6, cadence_weeks=1)
    services.diarise_series(group=group, first_day=first_day(), by=coordinator)
    client = factories.login(Client(), coordinator)
    times: dict[str, list[float]] = {"add": [], "remove": [], "worker after add": [], "worker after remove": []}
    for r in range(runs):
        user = factories.make_user(f"new{r}-{group.pk}@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(group.team,))
        started = time.perf_counter()
        response = client.post(
            reverse("supervision:member_add", args=[group.pk]),
            {"user": user.pk, "discipline": Discipline.SOCIAL_WORKER},
        )
        times["add"].append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
        times["worker after add"].append(run_worker())
        member = GroupMember.objects.get(group=group, user=user)
        started = time.perf_counter()
        response = client.post(reverse("supervision:member_remove", args=[group.pk, member.pk]), {"confirm": "yes"})
        times["remove"].append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
        times["worker after remove"].append(run_worker())
    return times


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms (best {min(values) * 1000:.0f}, worst {max(values) * 1000:.0f})"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        print(f"database: {connection.vendor}, {runs} runs each")
        for cadence, label in ((4, "every 4 weeks"), (1, "weekly")):
            results = [diarise(8, cadence) for _ in range(runs)]
            print(
                f"diarise a year, {label}, group of 8: {results[0][1]} sessions, "
                f"{ms([r[0] for r in results])}, {results[0][2]} emails"
            )
        for cadence, label in ((4, "every 4 weeks"), (1, "weekly")):
            _elapsed, sessions, emails = diarise(6, cadence)
            print(f"emails for a year, {label}, group of 6: {emails} for {sessions} sessions")
        for name, values in member_pages(runs).items():
            print(f"member {name} (weekly year, group of 6): {ms(values)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
