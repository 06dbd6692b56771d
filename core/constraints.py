"""Database constraints whose violations a person can read, on the field they are about.

Every CheckConstraint and UniqueConstraint of a Kinfolk model carries a
`violation_error_message` in plain English (Django's default is "Constraint
“gcs_session_ends_after_start” is violated.") and a `violation_error_code`.
Django reports a check constraint, and a unique constraint over several columns,
against the whole object; a model that inherits `ConstraintErrorsOnFields` moves
each violation onto the field a person must change, so services raise
`{"end": [...]}` and forms (the admin's too) show it beside that field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models


def errors_on_fields(exc: ValidationError, fields: Mapping[str, str]) -> ValidationError:
    """`exc` with each object-wide error whose code `fields` names moved onto that field."""
    if not hasattr(exc, "error_dict"):
        exc = ValidationError({NON_FIELD_ERRORS: exc.error_list})
    moved: dict[str, list[ValidationError]] = {}
    for name, errors in exc.error_dict.items():
        for error in errors:
            target = fields.get(str(error.code), name) if name == NON_FIELD_ERRORS else name
            moved.setdefault(target, []).append(error)
    return ValidationError(moved)


class ConstraintErrorsOnFields(models.Model):
    """A model whose constraint violations land on fields: `constraint_fields` maps violation_error_code → field.

    Each field named must be one the constraint checks: Django skips a
    constraint whose fields a form leaves out, so the field is then always on
    the form that triggered it.
    """

    constraint_fields: ClassVar[Mapping[str, str]] = {}

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            raise errors_on_fields(exc, self.constraint_fields) from None
