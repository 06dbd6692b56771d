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


def approve_for_role(volunteer: Volunteer, role: str, *, coordinator: User, on: dt.date | None = None) -> Any:
    """Record every requirement of the role through the recruitment services, on `on` (default today).

    Requirements already met (another role's references, DBS) are not recorded again.
    Returns the RoleApplication, APPROVED with approved_until set (the first expiry).
    """
    from volunteers.models import DbsLevel, DbsOutcome, RequirementKind, RoleApplication
    from volunteers.services import recruitment, references

    on = on or recruitment.today()
    if not volunteer.applications.filter(role=role).exists():
        RoleApplication.objects.create(volunteer=volunteer, role=role, stage_since=on)
    tasks = recruitment.assess(volunteer.applications.get(role=role), on=on)
    for req in [task.requirement for task in tasks if not task.met]:
        kind = req.kind
        if kind == RequirementKind.DBS:
            recruitment.record_dbs(
                volunteer=volunteer,
                by=coordinator,
                applied_on=on,
                certificate_number=f"{next(_numbers):012d}",
                issued_on=on,
                level=DbsLevel.ENHANCED_CHILDREN,
                barred_list_checked=True,
                outcome=DbsOutcome.CLEAR,
            )
        elif kind == RequirementKind.REFERENCES:
            for i in range(req.count):
                reference = references.request_reference(
                    volunteer=volunteer,
                    by=coordinator,
                    referee_name=f"Referee {i + 1}",
                    referee_email=f"referee{next(_numbers)}@example.org",
                    relationship="Employer",
                )
                references.give_reference(
                    token=references.token_for(reference),
                    known_for="5 years",
                    suitable="yes",
                    concerns="",
                    statement="Reliable and kind.",
                )
                reference.refresh_from_db()
                references.review_reference(reference=reference, by=coordinator, accept=True)
        else:
            recruitment.record_check(
                volunteer=volunteer,
                kind=kind,
                by=coordinator,
                started_on=on,
                completed_on=on,
                role=role if kind == RequirementKind.ROLE_TRAINING else "",
            )
    application = volunteer.applications.get(role=role)
    recruitment.recompute(application, on=on)
    application.refresh_from_db()
    return application
