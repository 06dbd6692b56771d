"""Approved volunteers and open requests for the matching tests.

`_approved_stand_in` sets a role application's stage directly: a stand-in until the
recruitment helper's `tests.volunteers.factories.approve_for_role` (through the real
recruitment services) is merged; then swap every call for that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.volunteers.factories import make_volunteer
from volunteers.models import RoleApplication, Stage, Volunteer, VolunteerRole


def _approved_stand_in(volunteer: Volunteer, role: str, *, until: dt.date | None = None) -> RoleApplication:
    today = timezone.localdate()
    application, _ = RoleApplication.objects.get_or_create(volunteer=volunteer, role=role)
    RoleApplication.objects.filter(pk=application.pk).update(
        stage=Stage.APPROVED, approved_on=today, approved_until=until or today + dt.timedelta(days=3 * 365)
    )
    application.refresh_from_db()
    return application


def approved_volunteer(
    role: str = VolunteerRole.CHILD_AND_FAMILY, *, until: dt.date | None = None, **profile: Any
) -> Volunteer:
    volunteer = make_volunteer(**profile)
    _approved_stand_in(volunteer, role, until=until)
    return volunteer
