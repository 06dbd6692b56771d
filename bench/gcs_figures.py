"""Benchmark: GCS figures, the home to-do list and search on a county's worth of GCS data.

Builds, in a throwaway database (SQLite, or a `test_` copy of DATABASE_URL's PostgreSQL
database), 40 groups (one per team) with 8 members each and two years of fortnightly
sessions: 2,080 sessions, 8 families each (16,640 agenda items, papers and attendance
rows for each member) and 3 actions per family discussed (about 50,000 actions). Then
times, through Django's test client with the whole middleware stack, the figures page
and a CSV for a manager of every team, the home page for a coordinator of every group,
and a search. Prints median and 95th-percentile milliseconds and the queries per page.

    DEBUG=1 .venv/bin/python bench/gcs_figures.py [groups] [runs]
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
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, Team, User  # noqa: E402
from families.models import Family, LevelOfNeed  # noqa: E402
from supervision.models import (  # noqa: E402
    Action,
    AgendaItem,
    Attendance,
    Discipline,
    GroupMember,
    MinutesEntry,
    Paper,
    SupervisionGroup,
    SupervisionSession,
)
from tests import factories  # noqa: E402

DISCIPLINES = [
    Discipline.CHAIR,
    Discipline.SOCIAL_WORKER,
    Discipline.SOCIAL_WORKER,
    Discipline.SOCIAL_WORKER,
    Discipline.ADULT_MENTAL_HEALTH,
    Discipline.DOMESTIC_ABUSE,
    Discipline.SUBSTANCE_MISUSE,
    Discipline.MANAGER,
]


def build(groups: int) -> tuple[User, User]:
    now = timezone.now()
    locality = factories.make_locality()
    teams = Team.objects.bulk_create(Team(name=f"Team {n}", service="Family Safeguarding") for n in range(groups))
    manager = factories.make_user("manager@example.gov.uk", roles=(Role.MANAGER,))
    coordinator = factories.make_user("coordinator@example.gov.uk", roles=(Role.GCS_COORDINATOR,))
    for team in teams:
        team.managers.add(manager)
    # Members never sign in here: created in bulk, without hashing a password each.
    members = User.objects.bulk_create(
        User(email=f"member{n}@example.gov.uk", full_name=f"Member {n}", password="!")  # noqa: S106  (an unusable password)
        for n in range(8 * groups)
    )
    group_rows = SupervisionGroup.objects.bulk_create(
        SupervisionGroup(team=team, name=f"GCS {team.name}", coordinator=coordinator, minute_taker=coordinator)
        for team in teams
    )
    GroupMember.objects.bulk_create(
        GroupMember(group=g, user=members[8 * i + j], discipline=DISCIPLINES[j])
        for i, g in enumerate(group_rows)
        for j in range(8)
    )
    families = Family.objects.bulk_create(
        Family(
            case_reference=f"FS-GCS-{n:06d}",
            family_name=f"Family{n}",
            team=teams[n % groups],
            locality=locality,
            level_of_need=LevelOfNeed.CHILD_IN_NEED,
            opened_on=dt.date(2024, 1, 1),
        )
        for n in range(60 * groups)
    )
    by_team: dict[int, list[Family]] = {}
    for family in families:
        by_team.setdefault(family.team_id, []).append(family)
    sessions = SupervisionSession.objects.bulk_create(
        SupervisionSession(
            group=g,
            start=now - dt.timedelta(days=14 * k, hours=3),
            end=now - dt.timedelta(days=14 * k, hours=1),
            papers_due_at=now - dt.timedelta(days=14 * k + 3),
            minutes_status="approved" if k > 1 else "draft",
            first_circulated_at=now - dt.timedelta(days=14 * k) if k > 1 else None,
            turnaround_working_hours=4 + k % 5 if k > 1 else None,
        )
        for g in group_rows
        for k in range(-2, 52)
    )
    team_of = {g.pk: g.team_id for g in group_rows}
    items = AgendaItem.objects.bulk_create(
        AgendaItem(session=s, family=by_team[team_of[s.group_id]][(p * 7 + i) % 60], presenter=members[0], position=p)
        for i, s in enumerate(sessions)
        for p in range(8)
    )
    Paper.objects.bulk_create(
        Paper(
            item=item,
            file="x",
            name="p.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=1,
            sha256="0",
            uploaded_by=members[0],
            late=n % 5 == 0,
        )
        for n, item in enumerate(items)
        if n % 7
    )
    member_ids = {g.pk: [members[8 * i + j] for j in range(8)] for i, g in enumerate(group_rows)}
    Attendance.objects.bulk_create(
        Attendance(
            session=s,
            user=u,
            status="present" if (s.pk + u.pk) % 4 else "apologies",
            discipline=DISCIPLINES[j],
            recorded_by=coordinator,
        )
        for s in sessions
        if s.end < now
        for j, u in enumerate(member_ids[s.group_id])
    )
    MinutesEntry.objects.bulk_create(
        MinutesEntry(item=item, section="discussion", text=f"School attendance and housing, visit {n}")
        for n, item in enumerate(items)
    )
    Action.objects.bulk_create(
        Action(
            group_id=item.session.group_id,
            family_id=item.family_id,
            item=item,
            description=f"Action {n}",
            owner=members[n % len(members)],
            due_on=(item.session.start + dt.timedelta(days=14)).date(),
            status="open" if n % 3 else "done",
            completed_at=None if n % 3 else now,
            created_by=coordinator,
        )
        for item in items
        for n in range(3)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return manager, coordinator


def measure(client: Client, path: str, runs: int) -> tuple[float, float, int]:
    client.get(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(queries.captured_queries)


def main() -> None:
    groups = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        started = time.perf_counter()
        manager, coordinator = build(groups)
        print(
            f"{groups} groups, {SupervisionSession.objects.count()} sessions, {AgendaItem.objects.count()} items, "
            f"{Attendance.objects.count()} attendance rows, {Action.objects.count()} actions ({connection.vendor}); "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        as_manager = factories.login(Client(), manager)
        as_coordinator = factories.login(Client(), coordinator)
        as_coordinator.post("/gcs/search/", {"words": "housing", "case_reference": "FS-GCS-0000"})
        for label, client, path in [
            ("figures, 12 months, every group", as_manager, "/gcs/figures/"),
            ("figures, 3 months", as_manager, "/gcs/figures/?months=3"),
            ("attendance figure as CSV", as_manager, "/gcs/figures/attendance.csv"),
            ("home with the to-do list (40 groups)", as_coordinator, "/"),
            ("search: words and a case reference", as_coordinator, "/gcs/search/"),
        ]:
            median, p95, queries = measure(client, path, runs)
            print(f"{label:<40} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
