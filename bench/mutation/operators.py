"""The changes `make mutate` makes: an AST transformer that numbers every one and applies one.

See bench/mutate.py for how they are run and docs/testing.md for the list.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    end_line: int
    description: str
    # The qualified name of the outermost function whose body holds the change,
    # or "" for module-level code (constants, registrations, default arguments).
    function: str = ""


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
