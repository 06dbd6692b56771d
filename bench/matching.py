"""Benchmark: ranking volunteers for one request, and the matching board's optimal assignment.

Builds a synthetic scheme in a throwaway SQLite database (or the PostgreSQL database named
by DATABASE_URL: a test copy is created and dropped): 60 localities across a county,
volunteers with random profiles, one or two approved roles, capacities of 1 to 3, some
declarations, absences and unplanned endings; open requests for families and care leavers.

1. The optimal assignment of 500 requests to 5,000 volunteers (hard rules, scores and the
   assignment), against a greedy first-come-first-served one.
2. The matching board's page at that size, through Django's test client.
3. Ranking 10,000 volunteers for one request (hard rules in the database).

    .venv/bin/python bench/matching.py [requests] [volunteers] [runs]
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
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
from families.models import CareLeaver, Family, Locality  # noqa: E402
from tests import factories  # noqa: E402
from volunteers.matching import assignment  # noqa: E402
from volunteers.matching.board import build_board  # noqa: E402
from volunteers.matching.ranking import rank  # noqa: E402
from volunteers.models import (  # noqa: E402
    Absence,
    Declaration,
    Gender,
    LivedExperience,
    Match,
    MatchState,
    RoleApplication,
    Stage,
    Volunteer,
    VolunteerRequest,
    VolunteerRole,
)

LANGUAGES = ["English", "Polish", "Urdu", "Punjabi", "Romanian", "Arabic", "Somali", "Bengali", "Portuguese"]
INTERESTS = ["football", "art", "music", "cooking", "reading", "gaming", "gardening", "swimming", "crafts", "films"]
ROLES = [r.value for r in VolunteerRole]
rng = random.Random(20261126)


def build_localities() -> list[Locality]:
    return Locality.objects.bulk_create(
        Locality(
            name=f"Ward {n}",
            code=f"B{n:03d}",
            latitude=Decimal("51.50") + Decimal(n % 10) * Decimal("0.04"),
            longitude=Decimal("-0.60") + Decimal(n // 10) * Decimal("0.10"),
        )
        for n in range(60)
    )


def add_volunteers(count: int, localities: list[Locality], offset: int = 0) -> None:
    today = timezone.localdate()
    rows = [
        Volunteer(
            first_name=f"Vol{offset + n}",
            last_name="Bench",
            email=f"v{offset + n}@example.org",
            date_of_birth=dt.date(1950 + rng.randrange(56), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            gender=rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE, Gender.NON_BINARY]),
            locality=rng.choice(localities),
            travel_miles=rng.choice([2, 3, 5, 8, 10, 15]),
            remote_only=rng.random() < 0.1,
            capacity=rng.choice([1, 1, 2, 3]),
            languages=["English", *rng.sample(LANGUAGES[1:], rng.randrange(2))],
            interests=rng.sample(INTERESTS, rng.randrange(1, 4)),
            lived_experience=rng.sample([e.value for e in LivedExperience], rng.randrange(2)),
            availability=rng.getrandbits(21) & rng.getrandbits(21),
        )
        for n in range(count)
    ]
    created = Volunteer.objects.bulk_create(rows, batch_size=2000)
    apps = []
    for v in created:
        for role in rng.sample(ROLES, rng.randrange(1, 3)):
            approved = rng.random() < 0.85
            apps.append(
                RoleApplication(
                    volunteer=v,
                    role=role,
                    stage=Stage.APPROVED if approved else Stage.DBS,
                    approved_on=today - dt.timedelta(days=200) if approved else None,
                    approved_until=today + dt.timedelta(days=rng.randrange(30, 1000)) if approved else None,
                )
            )
    RoleApplication.objects.bulk_create(apps, batch_size=5000)
    Absence.objects.bulk_create(
        Absence(volunteer=v, starts_on=today, ends_on=today + dt.timedelta(days=14))
        for v in rng.sample(created, count // 50)
    )


def add_requests(count: int, localities: list[Locality], requester: User) -> list[VolunteerRequest]:
    team = Team.objects.first()
    today = timezone.localdate()
    families = Family.objects.bulk_create(
        Family(
            case_reference=f"FS-B-{n:05d}",
            family_name=f"Family{n}",
            team=team,
            locality=rng.choice(localities),
            level_of_need=3,
            opened_on=dt.date(2026, 1, 1),
        )
        for n in range(count)
    )
    leavers = CareLeaver.objects.bulk_create(
        CareLeaver(
            team=team,
            reference=f"CL-B-{n:05d}",
            first_name="Young",
            last_name="Person",
            date_of_birth=dt.date(2007, 3, 1),
            locality=rng.choice(localities),
        )
        for n in range(count // 4)
    )
    rows = []
    for n in range(count):
        role = rng.choice(ROLES)
        for_leaver = role == VolunteerRole.CARE_LEAVER_MENTOR
        rows.append(
            VolunteerRequest(
                role=role,
                family=None if for_leaver else families[n],
                care_leaver=rng.choice(leavers) if for_leaver else None,
                requested_by=requester,
                goals="Bench",
                needs_summary="Bench",
                preferred_gender=rng.choice(["", "", Gender.FEMALE, Gender.MALE]),
                preferred_language=rng.choice(["", "", "", *LANGUAGES[1:]]),
                preferred_times=rng.getrandbits(21) & rng.getrandbits(21),
                interests=rng.sample(INTERESTS, rng.randrange(3)),
                remote_ok=rng.random() < 0.3,
                wanted_from=today + dt.timedelta(days=rng.randrange(30)),
                expected_weeks=rng.choice([12, 26, 52]),
                consent_given_by="Bench",
                consent_given_on=today,
                created_at=timezone.now() - dt.timedelta(days=count - n),
            )
        )
    created = VolunteerRequest.objects.bulk_create(rows, batch_size=2000)
    volunteers = list(Volunteer.objects.order_by("?")[:200])
    Declaration.objects.bulk_create(
        Declaration(volunteer=v, family=r.family, care_leaver=r.care_leaver, description="Neighbour")
        for v, r in zip(volunteers[:100], rng.sample(created, 100), strict=True)
    )
    past = [r for r in created if r.family_id][:50]
    for v, r in zip(volunteers[100:150], past, strict=True):
        Match.objects.create(
            request=r,
            volunteer=v,
            state=MatchState.ENDED,
            started_on=today - dt.timedelta(days=100),
            ended_on=today - dt.timedelta(days=rng.randrange(10, 120)),
            ending_reason="volunteer_ended",
            planned_ending=False,
        )
    return created


CPU: list[float] = []  # this process's CPU milliseconds per run of the last `timed` call


def timed(fn: object, runs: int) -> tuple[float, float, object]:
    """Median and p95 wall-clock milliseconds; CPU time in `CPU` (the machine is shared: wall time waits)."""
    result = fn()  # type: ignore[operator]
    times = []
    CPU.clear()
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], result


def bench_board(runs: int) -> None:
    median, p95, board = timed(build_board, runs)
    opt, gre = board.optimal_total, board.greedy_total  # type: ignore[attr-defined]
    matched_opt = int((board.optimal >= 0).sum())  # type: ignore[attr-defined]
    matched_gre = int((board.greedy >= 0).sum())  # type: ignore[attr-defined]
    start = time.perf_counter()
    assignment.optimal(board.scores, board.cands.remaining)  # type: ignore[attr-defined]
    solve = (time.perf_counter() - start) * 1000
    print(
        f"board (rules, scores, optimal and greedy): median {median:.0f} ms, p95 {p95:.0f} ms "
        f"(CPU {statistics.median(CPU):.0f} ms)"
    )
    print(f"  of which the optimal assignment (linear_sum_assignment): {solve:.0f} ms")
    print(
        f"total score: optimal {opt} ({matched_opt} matched), greedy {gre} ({matched_gre} matched): "
        f"+{opt - gre} ({100 * (opt - gre) / max(gre, 1):.1f}%)"
    )


def bench_page(client: Client, runs: int) -> None:
    path = "/volunteers/board/"
    client.get(path)
    page_times, cpu_times = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        page_times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    print(
        f"board page: median {statistics.median(page_times):.0f} ms (CPU {statistics.median(cpu_times):.0f} ms), "
        f"{len(queries.captured_queries)} queries"
    )


def bench_rank(request: VolunteerRequest, runs: int) -> None:
    total = Volunteer.objects.count()
    median, p95, ranking = timed(lambda: rank(request), runs)
    with CaptureQueriesContext(connection) as queries:
        rank(request)
    print(
        f"rank {total} volunteers for one request: median {median:.1f} ms, p95 {p95:.1f} ms "
        f"(CPU {statistics.median(CPU):.1f} ms), "
        f"{len(ranking)} eligible, {len(queries.captured_queries)} queries"  # type: ignore[arg-type]
    )


def analyse() -> None:
    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: the planner needs statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n_requests = int(args[0]) if args else 500
    n_volunteers = int(args[1]) if len(args) > 1 else 5000
    runs = int(args[2]) if len(args) > 2 else 5
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        localities = build_localities()
        team = Team.objects.create(name="Bench team", service="Family Safeguarding")
        practitioner = factories.make_user("bench@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(team,))
        coordinator = factories.make_user("vc@example.gov.uk", roles=(Role.VOLUNTEER_COORDINATOR,))
        add_volunteers(n_volunteers, localities)
        requests = add_requests(n_requests, localities, practitioner)
        analyse()
        print(f"scheme: {n_volunteers} volunteers, {n_requests} open requests ({connection.vendor})")
        bench_board(runs)
        if "--no-page" not in sys.argv:
            bench_page(factories.login(Client(), coordinator), runs)
        if n_volunteers < 10_000:
            add_volunteers(10_000 - n_volunteers, localities, offset=n_volunteers)
        analyse()
        request = VolunteerRequest.objects.select_related("family__locality", "care_leaver__locality").get(
            pk=requests[0].pk
        )
        request.role = VolunteerRole.CHILD_AND_FAMILY
        bench_rank(request, max(runs, 10))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
