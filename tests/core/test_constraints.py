"""Every database constraint of a Kinfolk model speaks plain English, on the field it is about.

A service's `full_clean()` reports a violated constraint with its
violation_error_message; Django's default ("Constraint “gcs_session_ends_after_start”
is violated.") would reach a person word for word.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import models

from core.registry import KinfolkApp


def _kinfolk_constraints() -> Iterator[tuple[type[models.Model], models.BaseConstraint]]:
    for config in apps.get_app_configs():
        if isinstance(config, KinfolkApp):
            for model in config.get_models():
                for constraint in model._meta.constraints:
                    yield model, constraint


def test_every_constraint_of_every_kinfolk_model_has_a_plain_english_message() -> None:
    found = list(_kinfolk_constraints())
    # A walk that found nothing would prove nothing: these are today's sixteen.
    assert len(found) >= 16
    for model, constraint in found:
        where = f"{model._meta.label}: {constraint.name}"
        message = str(constraint.violation_error_message)
        assert message != str(constraint.default_violation_error_message), f"{where} has Django's default message"
        assert constraint.name not in message and "_" not in message, f"{where} names the constraint: {message}"
        assert "constraint" not in message.lower() and "violated" not in message.lower(), f"{where}: {message}"
        assert message[0].isupper() and message.endswith("."), f"{where} is not a sentence: {message}"
        assert constraint.violation_error_code, f"{where} has no violation_error_code to find it by"


def test_each_field_a_violation_is_put_on_is_a_field_of_its_model_and_names_a_real_constraint() -> None:
    by_model: dict[type[models.Model], set[str]] = {}
    for model, constraint in _kinfolk_constraints():
        by_model.setdefault(model, set()).add(str(constraint.violation_error_code))
    placed = 0
    for model, codes in by_model.items():
        fields: dict[str, str] = getattr(model, "constraint_fields", {})
        assert set(fields) <= codes, f"{model._meta.label} places codes it has no constraint for"
        for field in fields.values():
            model._meta.get_field(field)
        placed += len(fields)
    assert placed >= 10
