"""README.md stays true to what exists: a feature app with nothing built is described as planned."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

README = Path(__file__).resolve().parent.parent / "README.md"
FEATURES = {
    "volunteers": "**Volunteers**",
    "fgc": "**Family Group Conferences**",
    "supervision": "**Group Case Supervision**",
}


@pytest.mark.parametrize(("app_label", "heading"), FEATURES.items())
def test_the_readme_says_a_feature_is_planned_exactly_when_its_app_has_no_models(app_label: str, heading: str) -> None:
    [line] = [line for line in README.read_text().splitlines() if line.startswith(f"- {heading}")]
    built = bool(list(apps.get_app_config(app_label).get_models()))
    assert ("planned" not in line.lower()) is built, f"README.md describes {app_label} wrongly: {line}"
