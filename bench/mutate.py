"""Mutation testing: would the tests notice if a rule were broken?

Makes one small change at a time to a module (a comparison flipped or moved
by one, `and` turned to `or`, an operand of a condition dropped, `not`
removed, a constant changed, a `raise` or a call statement removed, a
returned or assigned value replaced by None), runs the tests that reach the
changed line against it, and counts the changes ("mutants") some test failed
on ("killed"). A surviving mutant is a change no test notices: a missing test,
or a change that makes no difference (an "equivalent" mutant; those are listed
with their reasons in docs/testing.md).

    make mutate                                   # every module in TESTS below
    make mutate MODULES=supervision/permissions.py
    .venv/bin/python -m bench.mutate supervision/permissions.py --jobs 2
    .venv/bin/python -m bench.mutate supervision/permissions.py --list   # the mutants, nothing run
    MUTATE_VERBOSE=1 ...                                                 # which test killed each one

How a module is run:
1. `--coverage`: the mapped tests, unmutated, under coverage with one context
   per test, give the tests that reach each line (a module-level line: all).
2. `--run-many`: one pytest session; for each mutant inside a function it forks,
   and the child swaps the mutated code into the function and runs that
   mutant's tests until one fails (`MutantSwitch` in bench/mutation/inprocess.py).
3. `--run-one`: a mutant outside any function (a constant, a registration, a
   default argument) runs in a fresh pytest process whose import system
   compiles the mutated syntax tree in place of the module (`_MutantFinder`, same file).
Source files are never written, so an interrupted run leaves the tree as it
was. Strings, f-strings, docstrings and type annotations are not mutated.

The report (per module: killed/total and every survivor with its line) is
printed and written to mutate-report.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.mutation.inprocess import KILLED, run_coverage, run_many, run_one
from bench.mutation.operators import Mutant, mutants_of

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "mutate-report.txt"

# The tests that exercise each module, fastest and most focused first: pytest
# stops at the first failure (-x), so most mutants die within the first file.
# The access matrix (every URL as every persona) takes a minute and a half in
# full; a module's run keeps only the URLs of the apps that use it (`-k`).
MATRIX = "test_each_persona_gets_what_the_matrix_says"


@dataclass(frozen=True)
class Target:
    tests: list[str]
    select: str = ""  # a pytest -k expression


TESTS: dict[str, Target] = {
    "supervision/permissions.py": Target(
        [
            "tests/supervision/test_permission_rules.py",
            "tests/supervision/test_access.py",
            "tests/supervision/test_writability.py",
            "tests/supervision/test_actions.py",
            "tests/supervision/test_agenda.py",
            "tests/supervision/test_group_and_session_pages.py",
            "tests/supervision/test_uploading_papers.py",
            "tests/test_access_matrix.py",
        ],
        select=f"not {MATRIX} or supervision",
    ),
    "families/permissions.py": Target(
        [
            "tests/families/test_change_rules.py",
            "tests/families/test_permissions.py",
            "tests/families/test_views.py",
            "tests/test_access_matrix.py",
        ],
        select=f"not {MATRIX} or families",
    ),
    "fgc/permissions.py": Target(
        [
            "tests/fgc/test_support_access.py",
            "tests/fgc/test_network_access.py",
            "tests/fgc/test_referral_views.py",
            "tests/fgc/test_figures.py",
            "tests/fgc/test_budget_views.py",
            "tests/fgc/test_preparation_views.py",
            "tests/fgc/test_conference_views.py",
            "tests/test_access_matrix.py",
        ],
        select=f"not {MATRIX} or fgc",
    ),
    "accounts/permissions.py": Target(
        [
            "tests/accounts/test_role_permissions.py",
            "tests/accounts/test_invitations.py",
            "tests/outbox/test_views.py",
            "tests/core/test_audit.py",
            "tests/test_access_matrix.py",
        ],
        select=f"not {MATRIX} or accounts or outbox or core",
    ),
    "core/middleware.py": Target(
        [
            "tests/core/test_session_limits.py",
            "tests/core/test_audit_context.py",
            "tests/core/test_sessions_and_rate_limits.py",
            "tests/core/test_security_headers.py",
            "tests/core/test_audit.py",
        ]
    ),
    "accounts/middleware.py": Target(
        [
            "tests/accounts/test_mfa_rules.py",
            "tests/accounts/test_mfa_enforcement.py",
            # The volunteer's second factor once they see a family (registry.requires_second_factor).
            "tests/volunteers/test_portal.py",
        ]
    ),
    "supervision/services/minutes.py": Target(
        [
            "tests/supervision/test_minutes_rules.py",
            "tests/supervision/test_action_rules.py",
            "tests/supervision/test_minutes.py",
            "tests/supervision/test_actions.py",
            "tests/supervision/test_writability.py",
            "tests/supervision/test_whole_cycle.py",
        ]
    ),
    # The upload checks: the core tests try every rule on its own (test_upload_rules.py)
    # and the corpus; the GCS papers tests try them again through a service and pages.
    # Uploads go to the real test clamd (tests/clamd.py), which --run-many starts once
    # in the parent before forking (MutantSwitch in bench/mutation/inprocess.py).
    "core/uploads/__init__.py": Target(
        [
            "tests/core/test_upload_limits.py",
            "tests/core/test_upload_rules.py",
            "tests/core/test_uploads.py",
            "tests/core/test_upload_images.py",
            "tests/supervision/test_uploading_papers.py",
        ]
    ),
    "core/uploads/images.py": Target(["tests/core/test_upload_images.py", "tests/volunteers/test_receipt_photos.py"]),
    "core/uploads/pdf.py": Target(
        ["tests/core/test_pdf_rules.py", "tests/core/test_upload_rules.py", "tests/core/test_uploads.py"]
    ),
    "core/uploads/office.py": Target(["tests/core/test_upload_rules.py", "tests/core/test_uploads.py"]),
    "core/uploads/clamav.py": Target(
        [
            "tests/core/test_clamav_rules.py",
            "tests/core/test_uploads.py",
            "tests/supervision/test_uploading_papers.py",
        ]
    ),
    "accounts/mfa.py": Target(
        [
            "tests/accounts/test_mfa_session_rules.py",
            "tests/accounts/test_mfa_rules.py",
            "tests/accounts/test_mfa_enforcement.py",
        ]
    ),
}
MODULES = list(TESTS)

# -x: the first failing test kills the mutant. Browser tests are left out (they
# take seconds each and the view tests reach the same code); migrations too
# (the schema is built from the models, which is what the tests need and twice as fast).
PYTEST_ARGS = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-m", "not browser", "--nomigrations"]


# --- Running them all -----------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    killed: bool
    how: str  # "failed", "error", "timeout" or "survived"


def _pytest_args(path: str) -> list[str]:
    target = TESTS[path]
    args = [*PYTEST_ARGS, *(["-k", target.select] if target.select else [])]
    return args + [t for t in target.tests if (ROOT / t).exists()]


def _run(command: list[str], timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "bench.mutate", *command],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # SQLite in memory: each forked child gets its own copy of the test database. A
    # PostgreSQL connection shared by parent and children would not survive a fork.
    env.pop("DATABASE_URL", None)
    return env


def _tests_reaching(mutant: Mutant, coverage_map: dict[int, list[str]], every_test: list[str]) -> list[str]:
    contexts: set[str] = set()
    for line in range(mutant.line, mutant.end_line + 1):
        contexts.update(coverage_map.get(line, []))
    if "" in contexts:
        return every_test  # a module-level line: every test imports the module
    # In the order of the mapping, so the focused test files still come first.
    order = {test: position for position, test in enumerate(every_test)}
    return sorted(contexts, key=lambda test: order.get(test, len(order)))


def _run_mutant(path: str, mutant: Mutant, tests: list[str], timeout: float) -> Outcome:
    if not tests:
        return Outcome(mutant, killed=False, how="no test reaches it")
    options = [a for a in _pytest_args(path) if not a.startswith("tests/")]
    options = [o for i, o in enumerate(options) if o != "-k" and (i == 0 or options[i - 1] != "-k")]
    try:
        result = _run(["--run-one", path, str(mutant.index), "--", *options, *tests], timeout=timeout)
    except subprocess.TimeoutExpired:
        return Outcome(mutant, killed=True, how="timeout")
    if result.returncode == 0:
        return Outcome(mutant, killed=False, how="survived")
    if result.returncode == 5:
        raise SystemExit(f"no tests ran for mutant {mutant.index} of {path}: {tests[:3]}…")
    return Outcome(mutant, killed=True, how="failed" if result.returncode == 1 else "error")


def _run_plan(path: str, plan: list[tuple[Mutant, list[str]]]) -> dict[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        plan_file, out = Path(tmp) / "plan.json", Path(tmp) / "out.json"
        plan_file.write_text(
            json.dumps([{"index": m.index, "function": m.function, "tests": tests} for m, tests in plan])
        )
        result = _run(["--run-many", path, str(plan_file), str(out), "--", *_pytest_args(path)])
        if not out.exists():
            sys.stdout.write(result.stdout.decode()[-3000:] + result.stderr.decode()[-3000:])
            raise SystemExit(f"the in-process run for {path} stopped early")
        results = json.loads(out.read_text())
        if os.environ.get("MUTATE_VERBOSE"):
            for index, test in sorted(results["by"].items(), key=lambda pair: int(pair[0])):
                print(f"  #{index} killed by {test}", flush=True)
        return {int(index): how for index, how in results["how"].items()}


def mutate_module(path: str, *, jobs: int, only: set[int] | None) -> tuple[list[Outcome], float]:
    source = (ROOT / path).read_text()
    mutants = [m for m in mutants_of(source) if only is None or m.index in only]
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "coverage.json")
        clean = _run(["--coverage", path, out, "--", *_pytest_args(path), "--collect-only"])
        every_test = [line for line in clean.stdout.decode().splitlines() if "::" in line]
        clean = _run(["--coverage", path, out, "--", *_pytest_args(path)])
        if clean.returncode != 0:
            sys.stdout.write(clean.stdout.decode()[-3000:])
            raise SystemExit(f"the tests for {path} fail without any mutant: fix them first")
        coverage_map = {int(line): tests for line, tests in json.loads(Path(out).read_text()).items()}
    baseline = time.monotonic() - started
    tests_of = {m.index: _tests_reaching(m, coverage_map, every_test) for m in mutants}
    print(f"{path}: {len(mutants)} mutants, {len(every_test)} tests, clean run {baseline:.0f} s", flush=True)
    how: dict[int, str] = {m.index: "no test reaches it" for m in mutants if not tests_of[m.index]}
    in_process = [(m, tests_of[m.index]) for m in mutants if m.function and tests_of[m.index]]
    # Split the in-process plan across the jobs, each a pytest session of its own.
    chunks = [in_process[i::jobs] for i in range(jobs)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for results in pool.map(lambda chunk: _run_plan(path, chunk), [c for c in chunks if c]):
            how.update(results)
    print(
        f"  in one process each: {len(in_process)} mutants in {(time.monotonic() - started) / 60:.1f} min", flush=True
    )
    # Module-level changes (constants, registrations) and functions that cannot be
    # swapped in place: a fresh process each, importing the mutated module.
    by_index = {m.index: m for m in mutants}
    apart = [m for m in mutants if m.index not in how or how[m.index] in {"cannot swap", "not run"}]
    timeout = 3 * baseline + 30
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for outcome in pool.map(lambda m: _run_mutant(path, m, tests_of[m.index], timeout), apart):
            how[outcome.mutant.index] = outcome.how
    outcomes = [Outcome(by_index[m.index], killed=how[m.index] in KILLED, how=how[m.index]) for m in mutants]
    return outcomes, time.monotonic() - started


def report(path: str, outcomes: list[Outcome], seconds: float) -> list[str]:
    lines_of = (ROOT / path).read_text().splitlines()
    killed = sum(o.killed for o in outcomes)
    total = len(outcomes)
    share = 100 * killed / total if total else 100.0
    lines = [f"{path}: {killed}/{total} killed ({share:.0f} %) in {seconds / 60:.1f} min"]
    for outcome in outcomes:
        if not outcome.killed:
            m = outcome.mutant
            lines.append(
                f"  {outcome.how} #{m.index} line {m.line}: {m.description}    | {lines_of[m.line - 1].strip()}"
            )
    return lines


def main(argv: list[str]) -> int:
    if argv[:1] == ["--run-one"]:
        separator = argv.index("--")
        path, index = argv[1], int(argv[2])
        return run_one(path, index, argv[separator + 1 :])
    if argv[:1] == ["--run-many"]:
        separator = argv.index("--")
        return run_many(argv[1], argv[2], argv[3], argv[separator + 1 :])
    if argv[:1] == ["--coverage"]:
        separator = argv.index("--")
        return run_coverage(argv[1], argv[2], argv[separator + 1 :])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", default=MODULES, help=f"default: {' '.join(MODULES)}")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--only", type=int, nargs="*", help="test only these mutant numbers (with one module)")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TESTS]
    if unknown:
        parser.error(f"no tests mapped for {unknown}: add them to TESTS in bench/mutate.py")
    if args.list:
        for path in args.modules:
            lines_of = (ROOT / path).read_text().splitlines()
            for m in mutants_of((ROOT / path).read_text()):
                print(f"{path}:{m.line}: #{m.index} {m.description}    | {lines_of[m.line - 1].strip()}")
        return 0
    summary: list[str] = []
    for path in args.modules:
        outcomes, seconds = mutate_module(path, jobs=args.jobs, only=set(args.only) if args.only else None)
        summary += report(path, outcomes, seconds)
        print("\n".join(report(path, outcomes, seconds)), flush=True)
    REPORT.write_text("\n".join(summary) + "\n")
    print(f"\nWritten to {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
