"""Tries every URL of the project as every persona (see tests/access.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from tests import factories
from tests.access import (
    LOGIN,
    PERSONAS,
    Entry,
    all_entries,
    iter_url_patterns,
    load_matrix_modules,
)

LOGIN_PATHS = ("/accounts/login/", "/django-admin/login/")


def entry_for(url_name: str, entries: list[Entry]) -> Entry | None:
    exact = [e for e in entries if not e.is_wildcard and e.matches(url_name)]
    if exact:
        return exact[0]
    wild = sorted((e for e in entries if e.is_wildcard and e.matches(url_name)), key=lambda e: -len(e.name))
    return wild[0] if wild else None


def test_every_url_pattern_has_an_entry() -> None:
    entries = all_entries()
    missing = [name for name, _route in iter_url_patterns() if entry_for(name, entries) is None]
    assert missing == [], f"URL patterns without an access-matrix entry: {missing}"


def test_every_entry_names_every_persona_and_a_real_url() -> None:
    names = [name for name, _ in iter_url_patterns()]
    for entry in all_entries():
        assert set(entry.expect) == set(PERSONAS), f"{entry.name} must list exactly {PERSONAS}"
        assert any(entry.matches(n) for n in names), f"{entry.name} matches no URL pattern: stale entry"


def _guess_kwargs(url_name: str) -> dict[str, Any]:
    """Placeholder arguments for wildcard entries, whose URLs share one expectation."""
    possibilities = (
        get_resolver().reverse_dict.getlist(url_name.rsplit(":", maxsplit=1)[-1]) if ":" not in url_name else []
    )
    del possibilities
    resolver = get_resolver()
    ns_parts = url_name.split(":")
    for part in ns_parts[:-1]:
        resolver = resolver.namespace_dict[part][1]
    for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(ns_parts[-1]):
        params = possibility[0][1]
        return {p: ("core" if p == "app_label" else "1") for p in params}
    return {}


def _url(entry: Entry, url_name: str, route: str, world: SimpleNamespace) -> str:
    if url_name.startswith("<unnamed "):
        return "/" + route.replace("<path:object_id>", "1").replace("(?P<url>.*)$", "nothing-here/")
    kwargs = entry.kwargs(world) if entry.kwargs else (_guess_kwargs(url_name) if entry.is_wildcard else {})
    return reverse(url_name, kwargs=kwargs)


def _outcome_matches(response: Any, expected: Any) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and urlsplit(response["Location"]).path in LOGIN_PATHS
    if isinstance(expected, frozenset):
        return response.status_code in expected
    return bool(response.status_code == expected)


@pytest.fixture
def world(
    north: Any,
    south: Any,
    alice: Any,
    bob: Any,
    mo: Any,
    gina: Any,
    vic: Any,
    fern: Any,
    ada: Any,
    val: Any,
    olly: Any,
    north_family: Any,
    south_family: Any,
    north_care_leaver: Any,
) -> SimpleNamespace:
    w = SimpleNamespace(**dict(locals()))
    for module in load_matrix_modules():
        if hasattr(module, "setup"):
            module.setup(w)
    return w


def _cases() -> list[Any]:
    entries = all_entries()
    cases = []
    for name, route in iter_url_patterns():
        entry = entry_for(name, entries)
        if entry is not None:
            cases.append(pytest.param(name, route, entry, id=name))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "route", "entry"), _cases())
def test_each_persona_gets_what_the_matrix_says(
    url_name: str, route: str, entry: Entry, world: SimpleNamespace
) -> None:
    url = _url(entry, url_name, route, world)
    failures = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            factories.login(client, getattr(world, persona))
        # Each request in a rolled-back savepoint: one persona's POST must not change what the next one sees.
        with transaction.atomic():
            response = client.post(url, dict(entry.data)) if entry.method == "POST" else client.get(url)
            transaction.set_rollback(True)
        expected = entry.expect[persona]
        if not _outcome_matches(response, expected):
            where = response.get("Location", "")
            failures.append(f"{persona}: expected {expected}, got {response.status_code} {where}")
    assert failures == [], f"{entry.method} {url}:\n" + "\n".join(failures)
