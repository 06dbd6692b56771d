"""The URL × role access matrix: what each persona gets from every URL of the project.

Every app lists its URLs in `tests/<app>/access_matrix.py`:

    def setup(world):            # optional: add the objects your URLs name
        world.gcs_group = ...
    ENTRIES = [
        Entry("supervision:group_detail", kwargs=lambda w: {"pk": w.gcs_group.pk},
              expect={"anonymous": LOGIN, "alice": 200, "bob": 404, ...}),
    ]

`expect` must name every persona in PERSONAS. A value is a status code, LOGIN
(a redirect to the sign-in page) or a frozenset of acceptable codes (only for
wildcard entries, whose URLs cannot all be built from one set of kwargs).
`tests/test_access_matrix.py` fails when a URL pattern of the project has no entry.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("anonymous", "alice", "bob", "mo", "gina", "vic", "fern", "ada", "val", "olly")
LOGIN = "login"
Expect = int | str | frozenset[int]


@dataclass(frozen=True)
class Entry:
    name: str
    expect: Mapping[str, Expect]
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] | None = None
    method: str = "GET"
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_wildcard(self) -> bool:
        return self.name.endswith("*")

    def matches(self, url_name: str) -> bool:
        return url_name.startswith(self.name[:-1]) if self.is_wildcard else url_name == self.name


def same_for_all(value: Expect, **overrides: Expect) -> dict[str, Expect]:
    return {persona: overrides.get(persona, value) for persona in PERSONAS}


def signed_in(value: Expect, **overrides: Expect) -> dict[str, Expect]:
    """Anonymous visitors are sent to sign in; every signed-in persona gets `value` unless overridden."""
    return {"anonymous": LOGIN, **{p: overrides.get(p, value) for p in PERSONAS if p != "anonymous"}}


def iter_url_patterns(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """Every URL pattern of the project as (namespaced name, route), including unnamed ones."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for item in patterns:
        if isinstance(item, URLResolver):
            ns = f"{namespace}:{item.namespace}" if namespace and item.namespace else (item.namespace or namespace)
            yield from iter_url_patterns(item.url_patterns, ns, prefix + str(item.pattern))
        else:
            name = f"{namespace}:{item.name}" if namespace and item.name else (item.name or "")
            yield name or f"<unnamed {prefix}{item.pattern}>", prefix + str(item.pattern)


def load_matrix_modules() -> list[Any]:
    import tests

    modules = []
    for info in pkgutil.walk_packages(tests.__path__, "tests."):
        if info.name.rsplit(".", 1)[-1].startswith("access_matrix"):
            modules.append(importlib.import_module(info.name))
    return modules


def all_entries() -> list[Entry]:
    return [entry for module in load_matrix_modules() for entry in module.ENTRIES]
