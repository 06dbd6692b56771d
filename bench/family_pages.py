"""Benchmark: the family list, its search and a family's page on a large synthetic county.

Builds a county in a throwaway SQLite database (or the PostgreSQL database named by
DATABASE_URL: a `_bench` copy is created and dropped), then times each page as a
practitioner through Django's test client (the whole middleware stack: sessions,
MFA check, CSP, audit). Prints median and 95th-percentile milliseconds and the
number of queries per page.

    .venv/bin/python bench/family_pages.py [families] [runs]
"""

from __future__ import annotations

import datetime as dt
import os
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

from accounts.models import Role, Team  # noqa: E402
from families.models import Child, Family, Locality  # noqa: E402
from tests import factories  # noqa: E402

TEAMS = 40


def build_county(families: int) -> tuple[object, Family]:
    localities = Locality.objects.bulk_create(
        Locality(name=f"Ward {n}", code=f"B{n:03d}", latitude=Decimal("51.7"), longitude=Decimal("-0.3"))
        for n in range(60)
    )
    teams = Team.objects.bulk_create(Team(name=f"Team {n}", service="Family Safeguarding") for n in range(TEAMS))
    practitioner = factories.make_user("bench@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(teams[0],))
    rows = [
        Family(
            case_reference=f"FS-BENCH-{n:06d}",
            family_name=f"Family{n}",
            team=teams[n % TEAMS],
            allocated_practitioner=practitioner if n % 97 == 0 else None,
            locality=localities[n % len(localities)],
            level_of_need=1 + n % 5,
            opened_on=dt.date(2026, 1, 1),
        )
        for n in range(families)
    ]
    Family.objects.bulk_create(rows, batch_size=2000)
    fams = list(Family.objects.values_list("pk", flat=True))
    Child.objects.bulk_create(
        (
            Child(family_id=pk, first_name=f"Kid{pk}", last_name="X", date_of_birth=dt.date(2016, 5, 1))
            for pk in fams
            for _ in range(2)
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: the planner needs statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return practitioner, Family.objects.filter(team=teams[0]).first()  # type: ignore[return-value]


def measure(client: Client, path: str, runs: int) -> tuple[float, float, int]:
    client.get(path)  # warm caches and connections
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
    families = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        started = time.perf_counter()
        practitioner, family = build_county(families)
        print(
            f"county: {families} families, {2 * families} children, {TEAMS} teams ({connection.vendor}); "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        client = factories.login(Client(), practitioner)  # type: ignore[arg-type]
        print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, search, path in [
            ("family list (their teams)", "", "/families/"),
            ("family list, page 5", "", "/families/?page=5"),
            ("search by child's name", "Kid1", "/families/"),
            ("search by case reference", family.case_reference, "/families/"),
            ("a family's page (audited)", "", f"/families/{family.pk}/"),
            ("home", "", "/"),
        ]:
            # Searches are posted and kept in the session (names stay out of URLs).
            client.post("/families/", {"q": search})
            median, p95, queries = measure(client, path, runs)
            print(f"{label:<34} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
