"""Reads that cross relations, with their joins built in."""

from __future__ import annotations

from typing import Any

from core.models import Meeting, Role, User
from core.permissions import care_leavers_visible_to, families_visible_to

NEXT_MEETINGS = 5


def home_summary(user: User) -> dict[str, Any]:
    """What the home page shows each role: counts of what they may see and where to go next."""
    roles = user.role_names
    families = families_visible_to(user)
    summary: dict[str, Any] = {
        "roles": sorted(roles),
        "is_administrator": Role.ADMINISTRATOR.value in roles,
        "is_practitioner": Role.PRACTITIONER.value in roles,
        "is_manager": Role.MANAGER.value in roles,
        "is_volunteer_coordinator": Role.VOLUNTEER_COORDINATOR.value in roles,
        "is_fgc_coordinator": Role.FGC_COORDINATOR.value in roles,
        "is_gcs_coordinator": Role.GCS_COORDINATOR.value in roles,
        "is_volunteer": Role.VOLUNTEER.value in roles,
        "teams": list(user.teams.all()),
    }
    summary["next_meetings"] = list(Meeting.objects.for_user(user).upcoming().select_related("team")[:NEXT_MEETINGS])
    if summary["is_practitioner"] or summary["is_manager"] or summary["is_gcs_coordinator"]:
        summary["open_families"] = families.open().count()  # type: ignore[attr-defined]
        summary["my_families"] = families.open().filter(allocated_practitioner=user).count()  # type: ignore[attr-defined]
        summary["care_leavers"] = care_leavers_visible_to(user).count()
    return summary
