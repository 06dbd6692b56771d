"""Volunteer-scheme records for tests.

`make_volunteer` writes the profile directly (a profile is plain data);
approval for a role must come from the recruitment service (`approve_for_role`),
which records the checks that make a volunteer approved.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from accounts.models import User
from families.models import CareLeaver, Child, Family, Locality
from tests import factories
from volunteers import availability
from volunteers.models import Volunteer, VolunteerRequest, VolunteerRole

_numbers = itertools.count(1)

WEEKDAY_AFTERNOONS = availability.mask_of((day, 1) for day in range(5))


def make_volunteer(
    *,
    user: User | None = None,
    locality: Locality | None = None,
    first_name: str | None = None,
    **extra: Any,
) -> Volunteer:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "first_name": first_name or f"Volunteer{n}",
        "last_name": "Tester",
        "email": user.email if user else f"volunteer{n}@example.org",
        "date_of_birth": dt.date(1985, 5, 17),
        "locality": locality or factories.make_locality(),
        "availability": WEEKDAY_AFTERNOONS,
        "languages": ["English"],
    }
    fields.update(extra)
    volunteer = Volunteer(user=user, **fields)
    volunteer.full_clean()
    volunteer.save()
    return volunteer


def make_request(
    *,
    requested_by: User,
    family: Family | None = None,
    child: Child | None = None,
    care_leaver: CareLeaver | None = None,
    role: str = VolunteerRole.CHILD_AND_FAMILY,
    **extra: Any,
) -> VolunteerRequest:
    fields: dict[str, Any] = {
        "goals": "Build confidence getting out of the house.",
        "needs_summary": "Mum and two children in the north of the borough; would like help with school routines.",
        "preferred_times": WEEKDAY_AFTERNOONS,
        "consent_given_by": "Mother",
        "consent_given_on": timezone.localdate(),
    }
    fields.update(extra)
    request = VolunteerRequest(
        role=role, family=family, child=child, care_leaver=care_leaver, requested_by=requested_by, **fields
    )
    request.full_clean()
    request.save()
    return request
