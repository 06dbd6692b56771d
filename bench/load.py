"""Load benchmark: the demo borough and a county, each served by gunicorn under production settings.

    .venv/bin/python bench/load.py                 # full county (20,000 families), about 10 minutes
    .venv/bin/python bench/load.py --scale 0.1 --quick   # a tenth of the county, short phases

For each dataset, one run: a PostgreSQL database is created (`<database-url>_demo`,
`<database-url>_county`; dropped and rebuilt unless --reuse), migrated and seeded
(`manage.py demo`; the county by bench/seed.py in bulk), then served by gunicorn with
DEBUG off, the Redis cache and the production middleware (MFA enforced, HTTPS as
a TLS proxy in front would say with X-Forwarded-Proto). Virtual users of every role
sign in through the login page with their password and a TOTP code, then walk their
own pages:

1. one user at a time (each role's walk repeated): per-page median and p95 — the
   server's cost of a page, without queueing;
2. 20 users without think time: requests a second the machine serves;
3. 40 users with 1–4 s of think time: latency under a steady office load.

Both are served at once (each gunicorn on its own Unix socket) and measured in turn,
page by page and in slices of load, so the ratio is taken on one machine at one
time even when other work shares it. Prints the tables; --json writes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SECRET_KEY = "bench-only-secret-key-" + "x" * 40  # nosec B105  (a throwaway bench database)
DATASETS = ("demo", "county")


# --- TOTP (RFC 6238), as the authenticator app computes it --------------------------------------


def totp(secret: str, at: float) -> str:
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def fresh_code(secret: str) -> str:
    """A code not read in the last seconds of its window (allauth accepts only the current one)."""
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
    return totp(secret, time.time())


# --- a small HTTP client: keep-alive, a cookie jar, no redirects followed ------------------------


class UnixConnection(http.client.HTTPConnection):
    """HTTP over gunicorn's Unix socket: no TCP port to share with anyone else on the machine."""

    def __init__(self, path: str) -> None:
        super().__init__("127.0.0.1", timeout=60)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class Browser:
    def __init__(self, address: str) -> None:
        self.address = address
        self.port = 443
        self.cookies: dict[str, str] = {}
        self.conn = UnixConnection(address)

    def clone(self) -> Browser:
        other = Browser(self.address)
        other.cookies = dict(self.cookies)
        return other

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {
            "Host": "127.0.0.1",
            # As the TLS-terminating proxy in front of gunicorn says (docs/deploy.md):
            # HTTPS, and the client's address (a council's offices share one NAT address).
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "192.0.2.10",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "https://127.0.0.1"
            headers["Referer"] = f"https://127.0.0.1{path}"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = UnixConnection(self.address)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        location = response.headers.get("Location", "")
        if location.startswith("http"):
            parts = urlsplit(location)
            location = urlunsplit(("", "", parts.path, parts.query, ""))
        return response.status, location, text


def sign_in(address: str, email: str, password: str, secret: str) -> Browser:
    """Through the login page as a person does: the password, then the authenticator's code."""
    browser = Browser(address)
    status, _, _ = browser.request("GET", "/accounts/login/")
    assert status == 200, f"login page answered {status}"
    status, location, _ = browser.request("POST", "/accounts/login/", {"login": email, "password": password})
    assert status == 302, f"{email}: password step answered {status}"
    if "2fa" in location:
        browser.request("GET", location)
        status, location, _ = browser.request("POST", location, {"code": fresh_code(secret)})
        assert status == 302 and "2fa" not in location, f"{email}: code step answered {status} {location}"
    return browser


# --- the walks ------------------------------------------------------------------------------------


@dataclass
class Timings:
    pages: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, ms: float) -> None:
        with self.lock:
            self.pages[label].append(ms)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.pages.values())


def visit(browser: Browser, label: str, target: str, timings: Timings) -> None:
    if target.startswith("POST "):
        # A search: the terms are posted and kept in the session, the results page reads them.
        _, path, query = target.split(" ", 2)
        name, _, value = query.partition("=")
        started = time.perf_counter()
        status, _, _ = browser.request("POST", path, {name: value})
        status2, _, _ = browser.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        ok = status == 302 and status2 == 200
    else:
        started = time.perf_counter()
        status, _, _ = browser.request("GET", target)
        elapsed = (time.perf_counter() - started) * 1000
        ok = status == 200
    if ok:
        timings.add(label, elapsed)
    else:
        with timings.lock:
            timings.errors.append(f"{label} {target}: {status}")


def walk_pages(walk: dict[str, Any]) -> list[tuple[str, str]]:
    pages = [(label, path) for label, path in walk["pages"]]
    # The family list clears a search kept in the session from the walk before.
    return [(label, path + "?clear=1" if path == "/families/" else path) for label, path in pages]


def sequential(browsers: dict[str, dict[str, Browser]], plans: dict[str, Any], rounds: int) -> dict[str, Timings]:
    """Each page of each walk, one request at a time, demo and county in turn (the order swapped each round)."""
    timings = {d: Timings() for d in plans}
    datasets = list(plans)
    for r in range(rounds):
        order = datasets if r % 2 == 0 else datasets[::-1]
        for w, walk in enumerate(plans[datasets[0]]["walks"]):
            for p in range(len(walk["pages"])):
                for d in order:
                    label, path = walk_pages(plans[d]["walks"][w])[p]
                    visit(browsers[d][walk["role"]], label, path, timings[d])
    return timings


# How many of 20 users have each role: an office is mostly practitioners.
ROLE_WEIGHTS = {
    "Practitioner": 8,
    "Manager": 3,
    "GCS coordinator": 3,
    "Administrator": 2,
    "Volunteer coordinator": 2,
    "FGC coordinator": 1,
    "Volunteer": 1,
}


def concurrent(
    browsers: dict[str, Browser],
    plan: dict[str, Any],
    users: int,
    seconds: float,
    think: tuple[float, float],
    timings: Timings,
) -> float:
    """`users` virtual users, each walking their role's pages in a loop for `seconds`; returns the time taken."""
    roles = [role for role, n in ROLE_WEIGHTS.items() for _ in range(n)]
    walks = {w["role"]: w for w in plan["walks"]}
    stop = time.perf_counter() + seconds

    def run(n: int) -> None:
        role = roles[n % len(roles)]
        browser = browsers[role].clone()  # the role's signed-in session, its own connection
        rnd = random.Random(n)  # nosec B311
        pages = walk_pages(walks[role])
        k = rnd.randrange(len(pages))
        while time.perf_counter() < stop:
            label, path = pages[k % len(pages)]
            visit(browser, label, path, timings)
            k += 1
            if think[1]:
                time.sleep(rnd.uniform(*think))

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def in_turns(
    browsers: dict[str, dict[str, Browser]],
    plans: dict[str, Any],
    users: int,
    seconds: float,
    think: tuple[float, float],
    slice_seconds: float,
) -> dict[str, dict[str, Any]]:
    """Each dataset under load in slices, taking turns, so both see the same machine (others share it)."""
    timings = {d: Timings() for d in plans}
    elapsed = dict.fromkeys(plans, 0.0)
    datasets = list(plans)
    for k in range(max(1, round(seconds / slice_seconds))):
        for d in datasets if k % 2 == 0 else datasets[::-1]:
            elapsed[d] += concurrent(browsers[d], plans[d], users, slice_seconds, think, timings[d])
    return {
        d: {"pages": summarise(timings[d]), "rps": timings[d].count / elapsed[d], "errors": timings[d].errors}
        for d in plans
    }


# --- databases, seeding, serving ----------------------------------------------------------------


def environment(database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "KINFOLK_DEMO", "KINFOLK_ENFORCE_MFA"}}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECURE_PROXY_SSL_HEADER="1",
        KINFOLK_TRUSTED_PROXY_COUNT="1",
        KINFOLK_ORGANISER_EMAIL="kinfolk-diary@example.gov.uk",
        KINFOLK_SITE_URL="https://127.0.0.1",
        # Templates name assets through the plain storage: no collectstatic needed,
        # and the walk fetches pages, not assets.
        KINFOLK_STATIC_MANIFEST="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        # The walk uploads nothing; the demo's one paper is a Word file the demo builds itself.
        KINFOLK_MALWARE_SCAN="off",
        KINFOLK_MALWARE_SCAN_OFF_REASON="bench/load.py: a throwaway benchmark database, no uploads",
    )
    return env


def run(args: list[str], env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, check=True, text=True, capture_output=capture)  # noqa: S603
    return result.stdout if capture else ""


def database_exists(base_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(base_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def recreate_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(dataset: str, env: dict[str, str], scale: float) -> None:
    started = time.perf_counter()
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    if dataset == "demo":
        run([PY, "manage.py", "demo"], env, capture=True)
        summary = "the demo borough"
    else:
        counts = json.loads(run([PY, "bench/seed.py", "county", "--scale", str(scale)], env, capture=True))
        summary = ", ".join(f"{v} {k}" for k, v in counts.items() if k != "seconds")
    run([PY, "bench/seed.py", "logins", dataset], env)
    print(f"  {dataset}: {summary}; built in {time.perf_counter() - started:.0f} s", flush=True)


@contextlib.contextmanager
def served(env: dict[str, str], address: str, workers: int) -> Iterator[None]:
    gunicorn = str(Path(PY).with_name("gunicorn"))
    Path(address).unlink(missing_ok=True)
    process = subprocess.Popen(  # noqa: S603
        [gunicorn, "config.wsgi", "--bind", f"unix:{address}", "--workers", str(workers), "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                conn = UnixConnection(address)
                conn.request("GET", "/healthz", headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def flush_cache(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # our own database number only: rate limits, sessions of a last run


# --- reporting ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def summarise(t: Timings) -> dict[str, dict[str, float]]:
    return {label: {"p50": statistics.median(v), "p95": pct(v, 0.95), "n": len(v)} for label, v in t.pages.items() if v}


def print_report(results: dict[str, Any]) -> None:
    demo, county = results["demo"], results["county"]
    print("\nOne user at a time (ms): page, demo p50 / p95, county p50 / p95, county ÷ demo (p50)")
    print(f"{'page':<30} {'demo p50':>9} {'p95':>7} {'county p50':>11} {'p95':>7} {'ratio':>6}")
    for label, d in demo["sequential"].items():
        c = county["sequential"].get(label)
        if c is None:
            continue
        flags = [text for bad, text in ((c["p50"] > 1.3 * d["p50"], "over 1.3x"), (c["p50"] >= 100, "100 ms+")) if bad]
        flag = f"  <-- {', '.join(flags)}" if flags else ""
        print(
            f"{label:<30} {d['p50']:>9.1f} {d['p95']:>7.1f} {c['p50']:>11.1f} {c['p95']:>7.1f} "
            f"{c['p50'] / d['p50']:>6.2f}{flag}"
        )
    for phase, title in (("busy", "users without think time"), ("office", "users with 1–4 s think time")):
        print(f"\n{results['users'][phase]} {title}: p50 / p95 ms per page, requests a second")
        print(f"{'page':<30} {'demo p50':>9} {'p95':>7} {'county p50':>11} {'p95':>7}")
        for label, d in demo[phase]["pages"].items():
            c = county[phase]["pages"].get(label)
            if c is not None:
                print(f"{label:<30} {d['p50']:>9.1f} {d['p95']:>7.1f} {c['p50']:>11.1f} {c['p95']:>7.1f}")
        rd, rc = demo[phase]["rps"], county[phase]["rps"]
        print(f"{'requests a second':<30} {rd:>17.1f} {rc:>19.1f}   county ÷ demo {rc / rd:.2f}")
    errors = demo["errors"] + county["errors"]
    print(f"\nrequests that failed: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))


def measure(envs: dict[str, dict[str, str]], args: argparse.Namespace) -> dict[str, Any]:
    plans = {d: json.loads(run([PY, "bench/seed.py", "plan", d], envs[d], capture=True)) for d in envs}
    flush_cache(args.redis_url)
    sockets = {d: f"{args.socket_dir}/kinfolk-bench-{d}.sock" for d in envs}
    with contextlib.ExitStack() as stack:
        for d, env in envs.items():
            stack.enter_context(served(env, sockets[d], args.workers))
        browsers: dict[str, dict[str, Browser]] = {}
        for d in envs:
            # Both datasets share the Redis database, where allauth marks a code as used per user
            # id: the second dataset's logins (the same ids) wait for the next code.
            if browsers:
                time.sleep(30 - time.time() % 30 + 0.2)
            browsers[d] = {
                w["role"]: sign_in(sockets[d], w["email"], plans[d]["password"], plans[d]["totp_secret"])
                for w in plans[d]["walks"]
            }
        sequential(browsers, plans, 1)  # warm every worker's caches and connections
        seq = sequential(browsers, plans, args.rounds)
        print("  one user at a time: done", flush=True)
        busy = in_turns(browsers, plans, args.users, args.seconds, (0, 0), args.slice)
        print(f"  {args.users} busy users: done", flush=True)
        office = in_turns(browsers, plans, 2 * args.users, args.seconds, (1.0, 4.0), args.slice)
    return {
        d: {
            "sequential": summarise(seq[d]),
            "busy": {"pages": busy[d]["pages"], "rps": busy[d]["rps"]},
            "office": {"pages": office[d]["pages"], "rps": office[d]["rps"]},
            "errors": seq[d].errors + busy[d]["errors"] + office[d]["errors"],
        }
        for d in envs
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="county size, 1.0 = 20,000 families")
    parser.add_argument("--quick", action="store_true", help="short phases (5 rounds, 10 s each)")
    parser.add_argument("--reuse", action="store_true", help="keep the databases of a previous run")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kinfolk_load"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--socket-dir", default=tempfile.gettempdir(), help="where gunicorn's Unix sockets go")
    args = parser.parse_args()
    args.rounds, args.seconds, args.slice = (5, 10.0, 5.0) if args.quick else (15, 30.0, 10.0)
    envs = {d: environment(f"{args.database_url}_{d}", args.redis_url) for d in DATASETS}
    print("Preparing databases", flush=True)
    for dataset in DATASETS:
        name = urlsplit(envs[dataset]["DATABASE_URL"]).path.lstrip("/")
        if args.reuse and database_exists(args.database_url, name):
            print(f"  {dataset}: reusing {name}")
            run([PY, "manage.py", "migrate", "--noinput", "-v0"], envs[dataset])  # this tree's new migrations
            continue
        recreate_database(args.database_url, name)
        prepare(dataset, envs[dataset], args.scale)
    print("Measuring (demo and county in turn)", flush=True)
    results: dict[str, Any] = {"users": {"busy": args.users, "office": 2 * args.users}, "scale": args.scale}
    results.update(measure(envs, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print_report(results)


if __name__ == "__main__":
    main()
