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
   mutant's tests until one fails (`MutantSwitch`).
3. `--run-one`: a mutant outside any function (a constant, a registration, a
   default argument) runs in a fresh pytest process whose import system
   compiles the mutated syntax tree in place of the module (`_MutantFinder`).
Source files are never written, so an interrupted run leaves the tree as it
was. Strings, f-strings, docstrings and type annotations are not mutated.

The report (per module: killed/total and every survivor with its line) is
printed and written to mutate-report.txt.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FunctionType, ModuleType

import pytest
from _pytest.runner import runtestprotocol

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
        ]
    ),
    "supervision/services/minutes.py": Target(
        [
            "tests/supervision/test_minutes_rules.py",
            "tests/supervision/test_minutes.py",
            "tests/supervision/test_actions.py",
            "tests/supervision/test_writability.py",
            "tests/supervision/test_whole_cycle.py",
        ]
    ),
    "core/uploads.py": Target(
        [
            "tests/supervision/test_uploading_papers.py",
            "tests/supervision/test_agenda.py",
        ]
    ),
}
MODULES = list(TESTS)

# -x: the first failing test kills the mutant. Browser tests are left out (they
# take seconds each and the view tests reach the same code); migrations too
# (the schema is built from the models, which is what the tests need and twice as fast).
PYTEST_ARGS = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-m", "not browser", "--nomigrations"]


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    end_line: int
    description: str
    # The qualified name of the outermost function whose body holds the change,
    # or "" for module-level code (constants, registrations, default arguments).
    function: str = ""


# --- Making mutants -------------------------------------------------------------

NEGATED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
# Off by one: `>` where `>=` was meant, the commonest slip at a limit.
BOUNDARY: dict[type[ast.cmpop], type[ast.cmpop]] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
BINARY: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.Mod: ast.Mult,
}
SYMBOL = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Mod: "%",
    ast.And: "and",
    ast.Or: "or",
}


def _none() -> ast.Constant:
    return ast.Constant(value=None)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


class Mutator(ast.NodeTransformer):
    """Numbers every possible mutation in a fixed order; applies the one numbered `target`.

    Children are visited before their parent and every candidate is counted
    whether or not it is applied, so the numbering of one run is the numbering
    of every other.
    """

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.found: list[Mutant] = []
        self.scope: list[str] = []  # enclosing class and function names
        self.function = ""

    def _candidates(self, node: ast.AST, candidates: list[tuple[str, Callable[[], ast.AST | None]]]) -> ast.AST | None:
        result: ast.AST | None = node
        for description, build in candidates:
            index = len(self.found)
            line = getattr(node, "lineno", 0)
            end = getattr(node, "end_lineno", None) or line
            self.found.append(Mutant(index, line, end, description, self.function))
            if index == self.target:
                result = build()
        return result

    # Never mutated: annotations (strings at run time under `from __future__ import annotations`),
    # imports, and decorators (which only register functions).
    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST:
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is not None:
            node.value = self.visit(node.value)
        return self._candidates(node, self._assign_to_none(node.value, node))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [self.visit(d) if d is not None else None for d in node.args.kw_defaults]
        outermost = not self.function
        self.scope.append(node.name)
        if outermost:
            self.function = ".".join(self.scope)
        node.body = self._body(node.body)
        self.scope.pop()
        if outermost:
            self.function = ""
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        if self.function:
            return self.generic_visit(node)
        return node  # a module-level lambda: no function of ours to swap, and none in these modules

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.scope.append(node.name)
        node.body = self._body(node.body)
        self.scope.pop()
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for i, statement in enumerate(body):
            if i == 0 and _is_docstring(statement):
                out.append(statement)
                continue
            new = self.visit(statement)
            out.append(new if new is not None else ast.Pass())
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field, value in ast.iter_fields(node):
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    setattr(node, field, self._body(value))
                else:
                    visited = [self.visit(v) if isinstance(v, ast.AST) else v for v in value]
                    setattr(node, field, [v for v in visited if v is not None])
            elif isinstance(value, ast.AST):
                setattr(node, field, self.visit(value))
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    # Statements.
    def visit_Raise(self, node: ast.Raise) -> ast.AST | None:
        return self._candidates(node, [("raise removed", ast.Pass)])

    def visit_Return(self, node: ast.Return) -> ast.AST | None:
        self.generic_visit(node)
        if node.value is None or isinstance(node.value, ast.Constant):
            return node
        return self._candidates(node, [("return None instead", lambda: ast.Return(value=_none()))])

    def visit_Expr(self, node: ast.Expr) -> ast.AST | None:
        self.generic_visit(node)
        if not isinstance(node.value, ast.Call):
            return node
        return self._candidates(node, [("call removed", ast.Pass)])

    def visit_Assign(self, node: ast.Assign) -> ast.AST | None:
        self.generic_visit(node)
        return self._candidates(node, self._assign_to_none(node.value, node))

    @staticmethod
    def _assign_to_none(
        value: ast.expr | None, node: ast.Assign | ast.AnnAssign
    ) -> list[tuple[str, Callable[[], ast.AST | None]]]:
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return []
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            return []  # unpacking into several names: None would fail at once, saying nothing
        if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id[:1].isupper():
            return []  # a type alias (`Handler = Callable[...]`): only annotations, strings at run time, use it

        def build() -> ast.AST:
            new = copy.deepcopy(node)
            new.value = _none()
            return new

        return [("value assigned replaced by None", build)]

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST | None:
        self.generic_visit(node)
        swapped = BINARY.get(type(node.op))
        if swapped is None:
            return node

        def build() -> ast.AST:
            new = copy.deepcopy(node)
            new.op = swapped()
            return new

        return self._candidates(node, [(f"{SYMBOL[type(node.op)]}= -> {SYMBOL[swapped]}=", build)])

    # Expressions.
    def visit_Compare(self, node: ast.Compare) -> ast.AST | None:
        self.generic_visit(node)
        candidates: list[tuple[str, Callable[[], ast.AST | None]]] = []
        for position, op in enumerate(node.ops):
            for found in [table[type(op)] for table in (NEGATED, BOUNDARY) if type(op) in table]:

                def build(position: int = position, replacement: type[ast.cmpop] = found) -> ast.AST:
                    new = copy.deepcopy(node)
                    new.ops[position] = replacement()
                    return new

                candidates.append((f"{SYMBOL[type(op)]} -> {SYMBOL[found]}", build))
        return self._candidates(node, candidates)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST | None:
        self.generic_visit(node)
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        name = SYMBOL[type(node.op)]

        def swap() -> ast.AST:
            new = copy.deepcopy(node)
            new.op = other()
            return new

        candidates: list[tuple[str, Callable[[], ast.AST | None]]] = [(f"{name} -> {SYMBOL[other]}", swap)]
        for position in range(len(node.values)):

            def drop(position: int = position) -> ast.AST:
                rest = [copy.deepcopy(v) for i, v in enumerate(node.values) if i != position]
                return rest[0] if len(rest) == 1 else ast.BoolOp(op=copy.deepcopy(node.op), values=rest)

            candidates.append((f"operand {position + 1} of `{name}` dropped", drop))
        return self._candidates(node, candidates)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST | None:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return self._candidates(node, [("not removed", lambda: copy.deepcopy(node.operand))])
        if isinstance(node.op, ast.USub):
            return self._candidates(node, [("unary minus removed", lambda: copy.deepcopy(node.operand))])
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST | None:
        self.generic_visit(node)
        swapped = BINARY.get(type(node.op))
        if swapped is None:
            return node
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            return node  # %-formatting of a string

        def build() -> ast.AST:
            new = copy.deepcopy(node)
            new.op = swapped()
            return new

        return self._candidates(node, [(f"{SYMBOL[type(node.op)]} -> {SYMBOL[swapped]}", build)])

    def visit_Constant(self, node: ast.Constant) -> ast.AST | None:
        value = node.value
        if isinstance(value, bool):
            return self._candidates(node, [(f"{value} -> {not value}", lambda: ast.Constant(value=not value))])
        if isinstance(value, int | float):
            return self._candidates(node, [(f"{value} -> {value + 1}", lambda: ast.Constant(value=value + 1))])
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node  # f-strings: messages, keys and paths


def mutants_of(source: str) -> list[Mutant]:
    mutator = Mutator()
    mutator.visit(ast.parse(source))
    return mutator.found


def mutated_tree(source: str, index: int) -> ast.Module:
    mutator = Mutator(target=index)
    tree = mutator.visit(ast.parse(source))
    if index >= len(mutator.found):
        raise SystemExit(f"no mutant {index}: the module has {len(mutator.found)}")
    assert isinstance(tree, ast.Module)
    return ast.fix_missing_locations(tree)


# --- Running one mutant ---------------------------------------------------------


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

    def _child(self, index: int, function_name: str, items: list[pytest.Item]) -> tuple[str, str]:
        if not self._activate(index, function_name):
            return "cannot swap", ""
        for position, item in enumerate(items):
            nextitem = items[position + 1] if position + 1 < len(items) else None
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


KILLED = {"failed", "error", "timeout"}


def run_many(path: str, plan_file: str, out: str, pytest_args: list[str]) -> int:
    """In a fresh process: every mutant of the plan, each against its own tests, in one pytest session."""
    plan = [(m["index"], m["function"], m["tests"]) for m in json.loads(Path(plan_file).read_text())]
    switch = MutantSwitch(path, plan, seconds_per_mutant=int(os.environ.get("MUTATE_SECONDS_PER_MUTANT", "300")))
    status = int(pytest.main([a for a in pytest_args if a != "-x"], plugins=[switch]))
    Path(out).write_text(json.dumps({"how": switch.outcome, "by": switch.killer}))
    return status


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
