"""Reads of case records that cross relations, with the need-to-know rules built in."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from families.permissions import care_leavers_visible_to, families_visible_to

CASE_RECORD_ROLES = frozenset({Role.PRACTITIONER.value, Role.MANAGER.value, Role.GCS_COORDINATOR.value})


def works_with_case_records(user: Any) -> bool:
    """Practitioners, managers and GCS coordinators find families; other roles reach them elsewhere or not at all."""
    return bool(CASE_RECORD_ROLES & user.role_names)


def case_record_counts(user: Any) -> dict[str, int]:
    """The home page's figures: open families they may see, those allocated to them, care leavers."""
    families = families_visible_to(user).open()  # type: ignore[attr-defined]
    return {
        "open_families": families.count(),
        "my_families": families.filter(allocated_practitioner=user).count(),
        "care_leavers": care_leavers_visible_to(user).count(),
    }
