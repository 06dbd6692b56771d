"""Running mutants inside pytest: a fresh process per mutant, or one session forked per mutant.

`run_one` (a mutant outside any function) imports the module from its mutated
syntax tree; `run_many` (mutants inside functions) forks one pytest session
per mutant and swaps the mutated code into the function (`MutantSwitch`);
`run_coverage` records which test reaches which line. bench/mutate.py starts
each of them in a process of its own.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import CodeType, FunctionType, ModuleType

import pytest
from _pytest.runner import runtestprotocol

from bench.mutation.operators import mutated_tree

ROOT = Path(__file__).resolve().parents[2]
KILLED = {"failed", "error", "timeout"}
# Session fixtures that start a server process, started once in the parent of the forks.
SHARED_FIXTURES = ("clamd",)


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, index: int) -> None:
        super().__init__(fullname, path)
        self.index = index

    def get_code(self, fullname: str) -> CodeType:
        # Never the cached bytecode of the real module.
        source = Path(self.path).read_text()
        return compile(mutated_tree(source, self.index), self.path, "exec", dont_inherit=True)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, fullname: str, index: int) -> None:
        self.fullname = fullname
        self.index = index

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.fullname:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None:
            return None
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=_MutantLoader(fullname, spec.origin, self.index)
        )


def run_one(path: str, index: int, pytest_args: list[str]) -> int:
    """In a fresh process: import the module as mutant `index`, then run pytest."""
    sys.meta_path.insert(0, _MutantFinder(module_name(path), index))
    return int(pytest.main(pytest_args))


def run_coverage(path: str, out: str, pytest_args: list[str]) -> int:
    """In a fresh process: run the tests unmutated, noting which test reaches which line of the module.

    Written to `out` as JSON {line: [test node ids]}; "" stands for the import
    of the module (module-level lines), which every test depends on.
    """
    import coverage

    cov = coverage.Coverage(data_file=None, include=[str(ROOT / path)], branch=False)

    class SwitchContext:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> object:
            cov.switch_context(item.nodeid)
            yield
            cov.switch_context("")

    cov.start()
    try:
        status = int(pytest.main(pytest_args, plugins=[SwitchContext()]))
    finally:
        cov.stop()
    data = cov.get_data()
    data.set_query_contexts(None)
    lines: dict[int, list[str]] = {}
    for filename in data.measured_files():
        for line, contexts in data.contexts_by_lineno(filename).items():
            lines[line] = sorted(set(contexts))
    Path(out).write_text(json.dumps(lines))
    return status


def _code_objects(code: CodeType) -> Iterator[CodeType]:
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield const
            yield from _code_objects(const)


def _functions_of(module: ModuleType) -> dict[str, FunctionType]:
    """Every function defined in the module, by qualified name, through the wrappers that hide them.

    `transaction.atomic` and `functools.wraps` keep the original as `__wrapped__`;
    a `rules` predicate keeps it as `fn`; methods sit in class dictionaries,
    properties behind `fget`.
    """
    found: dict[str, FunctionType] = {}
    filename = module.__file__

    def add(value: object, depth: int = 0) -> None:
        if depth > 4:
            return
        if isinstance(value, FunctionType) and value.__code__.co_filename == filename:
            found.setdefault(value.__code__.co_qualname, value)
        if isinstance(value, staticmethod | classmethod):
            add(value.__func__, depth + 1)
        elif isinstance(value, property):
            for accessor in (value.fget, value.fset, value.fdel):
                add(accessor, depth + 1)
        elif isinstance(value, type) and value.__module__ == module.__name__:
            for member in vars(value).values():
                add(member, depth + 1)
        for attribute in ("__wrapped__", "fn"):
            inner = getattr(value, attribute, None)
            if isinstance(inner, FunctionType):
                add(inner, depth + 1)

    for value in list(vars(module).values()):
        add(value)
    return found


class MutantSwitch:
    """A pytest plugin: one pytest session, and each mutant tested in a forked copy of it.

    Django, the test database and the collected tests are set up once. For each
    mutant the session forks; the child gives the function that holds the
    mutant its mutated code (`__code__`, so every reference already taken to
    the function sees it), runs the mutant's tests until one fails (-x), sends
    the outcome back through a pipe and exits. Whatever a mutant leaves behind
    (a context variable never reset, a half-written row) dies with its child,
    so one mutant cannot kill or save another.
    """

    def __init__(self, path: str, plan: list[tuple[int, str, list[str]]], seconds_per_mutant: int) -> None:
        self.path = path
        self.plan = plan
        self.seconds_per_mutant = seconds_per_mutant
        self.source = (ROOT / path).read_text()
        self.items: dict[str, pytest.Item] = {}
        self.outcome: dict[int, str] = {}
        self.killer: dict[int, str] = {}
        self.failed: str | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        self.items = {item.nodeid: item for item in items}

    def _activate(self, index: int, function_name: str) -> bool:
        functions = _functions_of(importlib.import_module(module_name(self.path)))
        function = functions.get(function_name)
        if function is None:
            return False
        module_code = compile(mutated_tree(self.source, index), str(ROOT / self.path), "exec", dont_inherit=True)
        code = next((c for c in _code_objects(module_code) if c.co_qualname == function_name), None)
        if code is None:
            return False
        try:
            function.__code__ = code
        except ValueError:  # a change to the closure's free variables
            return False
        return True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and self.failed is None:
            self.failed = report.nodeid

    def _start_shared_fixtures(self, session: pytest.Session) -> None:
        """Start, in the parent, the session fixtures that run a server process (the test clamd).

        Started in a child, such a server would belong to that child's copy of the
        session: the next child would start another on the same socket, and the
        child's teardown at its last test would stop it. Started here, every child
        inherits the running daemon, and pytest stops it when this session ends.
        """
        for name in SHARED_FIXTURES:
            item = next((i for i in self.items.values() if name in getattr(i, "fixturenames", ())), None)
            if not isinstance(item, pytest.Function):
                continue
            # A session fixture's finalizer is registered on the session node, which
            # pytest's SetupState must hold (it does once any test has run).
            session._setupstate.stack.setdefault(session, ([session.teardown], None))
            item._request.getfixturevalue(name)

    def _child(self, index: int, function_name: str, items: list[pytest.Item]) -> tuple[str, str]:
        if not self._activate(index, function_name):
            return "cannot swap", ""
        for position, item in enumerate(items):
            # After the last test, tear down only as far as that test (`nextitem=item`):
            # the session's fixtures are the parent's, and the child exits anyway.
            nextitem = items[position + 1] if position + 1 < len(items) else item
            runtestprotocol(item, nextitem=nextitem, log=True)
            if self.failed is not None:
                return "failed", self.failed
        return "survived", ""

    def _fork(self, index: int, function_name: str, items: list[pytest.Item]) -> tuple[str, str]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read_end)
            try:
                result = self._child(index, function_name, items)
            except BaseException as error:
                result = ("error", repr(error)[:200])
            with os.fdopen(write_end, "w") as pipe:
                pipe.write(json.dumps(result))
            os._exit(0)
        os.close(write_end)
        deadline = time.monotonic() + self.seconds_per_mutant
        while True:
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                os.close(read_end)
                return "timeout", ""
            time.sleep(0.05)
        with os.fdopen(read_end) as pipe:
            sent = pipe.read()
        # A child that died without a word (a crash in the interpreter) counts as killed.
        how, by = json.loads(sent) if sent else ("error", "the test process died")
        return str(how), str(by)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        self._start_shared_fixtures(session)
        for index, function_name, tests in self.plan:
            items = [self.items[t] for t in tests if t in self.items]
            if not items:
                self.outcome[index] = "not run"
                continue
            how, by = self._fork(index, function_name, items)
            self.outcome[index] = how
            if by:
                self.killer[index] = by
            print("." if how in KILLED else "S", end="", file=sys.stderr, flush=True)
        return True


def run_many(path: str, plan_file: str, out: str, pytest_args: list[str]) -> int:
    """In a fresh process: every mutant of the plan, each against its own tests, in one pytest session."""
    plan = [(m["index"], m["function"], m["tests"]) for m in json.loads(Path(plan_file).read_text())]
    switch = MutantSwitch(path, plan, seconds_per_mutant=int(os.environ.get("MUTATE_SECONDS_PER_MUTANT", "300")))
    status = int(pytest.main([a for a in pytest_args if a != "-x"], plugins=[switch]))
    Path(out).write_text(json.dumps({"how": switch.outcome, "by": switch.killer}))
    return status
