"""Feature apps ask each other for services by name, never by import."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from core import registry


def test_a_service_no_app_provides_is_none() -> None:
    assert registry.provided("no.such.service") is None


def test_the_app_that_provides_a_service_answers_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def request_something(**kwargs: Any) -> int:
        calls.append(kwargs)
        return 42

    config = apps.get_app_config("volunteers")
    monkeypatch.setattr(config, "provides", lambda: {"test.request_something": request_something})
    service = registry.provided("test.request_something")
    assert service is not None
    assert service(reference="FGC-00001") == 42
    assert calls == [{"reference": "FGC-00001"}]
