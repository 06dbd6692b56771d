"""What a volunteer changes of their own record in the portal: only the allow-listed fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core import audit
from core.models import AuditAction
from volunteers.models import Absence, Volunteer

OWN_FIELDS = frozenset({"phone", "availability", "languages", "interests", "travel_miles", "remote_only"})


@transaction.atomic
def update_own_profile(*, volunteer: Volunteer, changes: dict[str, Any], by: User) -> Volunteer:
    """Refuses any field outside the allow-list: a volunteer cannot change their checks, roles or capacity."""
    refused = set(changes) - OWN_FIELDS
    if refused:
        raise ValidationError(f"These are changed by your coordinator: {', '.join(sorted(refused))}.")
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    changed = [name for name, value in changes.items() if getattr(volunteer, name) != value]
    for name in changed:
        setattr(volunteer, name, changes[name])
    volunteer.full_clean()
    volunteer.save()
    if changed:
        audit.record(action=AuditAction.UPDATE, obj=volunteer, detail={"changed": sorted(changed), "by": "volunteer"})
    return volunteer


@transaction.atomic
def add_absence(*, volunteer: Volunteer, starts_on: dt.date, ends_on: dt.date, by: User) -> Absence:
    absence = Absence(volunteer=volunteer, starts_on=starts_on, ends_on=ends_on)
    absence.full_clean()
    absence.save()
    audit.record(action=AuditAction.CREATE, obj=absence, detail={"volunteer": volunteer.pk})
    return absence
