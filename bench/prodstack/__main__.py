"""The production stack, run (`make prodstack`; docs/deploy.md, "The production-stack check").

Starts what docs/deploy.md describes, on PostgreSQL and Redis with production
settings: two gunicorn processes, two django-q2 clusters on the Redis broker and
an SMTP server (aiosmtpd) standing in for the council's relay. Three GCS
coordinators sign in through the login page and its second factor and, through
the pages a coordinator uses, diarise three groups' sessions, move two sessions
and cancel one. Midway through the first burst of invitations one cluster is
killed with SIGKILL (its whole process group) and started again. Session
reminders fall due during the run (bench/prodstack/clock.py puts the stack on a
working Wednesday morning). Then every email is checked at the SMTP server
(bench/prodstack/verify.py) and the counts printed. Exits 1 if anything is wrong.

Settings (environment): PRODSTACK_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/kinfolk_prodstack: dropped and re-created),
PRODSTACK_REDIS_URL (default redis://127.0.0.1:6379/15: flushed), PRODSTACK_PORTS
(three ports for the two gunicorns and SMTP; default: free ones).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from bench.prodstack import clock
from bench.prodstack.stack import Stack, free_port, tail

LONDON = ZoneInfo("Europe/London")
DATABASE_URL = os.environ.get("PRODSTACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kinfolk_prodstack")
REDIS_URL = os.environ.get("PRODSTACK_REDIS_URL", "redis://127.0.0.1:6379/15")
Q_WORKERS = 2
SECONDS_TO_FINISH = 480  # after the scenario's moment zero: fail rather than hang


def working(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("GB", subdiv="ENG", years=day.year)


def choose_wednesday(today: dt.date) -> dt.date:
    """A Wednesday at least a week ahead whose Tuesday and Thursday are working days too."""
    day = today + dt.timedelta(days=7 + (2 - today.weekday()) % 7)
    while not all(working(day + dt.timedelta(days=n)) for n in (-1, 0, 1)):
        day += dt.timedelta(days=7)
    return day


def production_environment(ports: list[int]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "KINFOLK_ORGANISER_EMAIL": "kinfolk-diary@example.gov.uk",
        "KINFOLK_SITE_URL": "https://kinfolk.example.gov.uk",
        "SECURE_PROXY_SSL_HEADER": "1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(ports[2]),
        "EMAIL_TIMEOUT": "10",
        "Q_WORKERS": str(Q_WORKERS),
        # Short, in the documented order (timeout < retry; lease > timeout and SMTP timeout),
        # so a row stranded by the killed cluster is sent again within the run.
        "Q_TIMEOUT": "20",
        "Q_RETRY": "30",
        "KINFOLK_OUTBOX_LEASE_SECONDS": "30",
        "KINFOLK_MALWARE_SCAN": "off",
        "KINFOLK_MALWARE_SCAN_OFF_REASON": "production-stack check: nothing is uploaded",
        "KINFOLK_STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }


def recreate_stores() -> None:
    import psycopg
    import redis

    url = DATABASE_URL.rsplit("/", 1)
    name = url[1]
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Unexpected database name {name!r}")
    with psycopg.connect(f"{url[0]}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    redis.from_url(REDIS_URL).flushdb()


def main() -> int:
    ports = [int(p) for p in os.environ.get("PRODSTACK_PORTS", "").split(",") if p] or [free_port() for _ in range(3)]
    wednesday = choose_wednesday(dt.datetime.now(LONDON).date())
    start = dt.datetime.combine(wednesday, dt.time(9, 58), tzinfo=LONDON)
    offset = (start - dt.datetime.now(dt.UTC)).total_seconds()
    env = production_environment(ports)
    env[clock.OFFSET_ENV] = str(offset)
    os.environ.update(env)
    clock.install()
    logs = Path(tempfile.mkdtemp(prefix="kinfolk-prodstack-"))
    print(f"Production-stack check: clock set to {start:%A %-d %B %Y %H:%M} (Europe/London); logs in {logs}")
    recreate_stores()

    import django

    django.setup()
    from bench.prodstack import scenario, verify

    stack = Stack(env=env, logs=logs)

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        seeded = scenario.seed(wednesday)
        started = time.monotonic()
        stack.start_smtp(ports[2])
        for name, port in (("web1", ports[0]), ("web2", ports[1])):
            stack.start_web(name, port, workers=2)
        for name in ("worker1", "worker2"):
            stack.start_cluster(name)
        for port in ports[:2]:
            stack.wait_for_web(port)
        stack.wait_for_clusters(["worker1", "worker2"])
        print(f"Started 2 gunicorn (2 workers each), 2 django-q2 clusters ({Q_WORKERS} workers each), SMTP server")
        run = scenario.Run(stack=stack, seeded=seeded, ports=ports[:2], kill="worker2")
        run.play()
        run.wait_until_settled(deadline_seconds=SECONDS_TO_FINISH)
        report = verify.check(run)
    except BaseException as exc:
        print(f"\nFAILED: {type(exc).__name__}: {exc}")
        for process in stack.processes.values():
            print(f"--- {process.name} ({process.log})\n{tail(process.log)}")
        stack.stop_all()
        return 1
    stack.stop_all()
    print(report.text())
    print(f"  run (after migrating)  {time.monotonic() - started:.0f} s")
    if report.problems:
        shown = report.problems[:25]
        more = len(report.problems) - len(shown)
        print("\nFAILED:\n" + "\n".join(f"- {problem}" for problem in shown) + (f"\n… and {more} more" if more else ""))
        return 1
    print("\nPASSED: every email arrived exactly once (repeats only in the accepted-but-unacknowledged window).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
