"""Retention: volunteers who left and closed requests are anonymised after a set period.

The rows stay (applications keep their stage, requests their role and dates) so the
figures keep counting them; what identifies a person goes. `candidates()` is the
data protection lead's dry run (the page for administrators and
`manage.py volunteer_retention`); `anonymise_due()` is the nightly job. Each
anonymisation is audited; running twice anonymises nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.models import Role
from accounts.services import anonymise_user
from core import audit
from core.models import AuditAction
from volunteers.models import (
    CheckRecord,
    DbsCheck,
    RequestStatus,
    Volunteer,
    VolunteerRequest,
)
from volunteers.models.recruitment import add_months
from volunteers.services.recruitment import today


@dataclass(frozen=True)
class Report:
    volunteers: list[Volunteer]
    requests: list[VolunteerRequest]
    volunteer_cutoff: dt.date
    request_cutoff: dt.date


def candidates(*, on: dt.date | None = None) -> Report:
    on = on or today()
    volunteer_cutoff = add_months(on, -settings.KINFOLK_VOLUNTEER_RETENTION_MONTHS)
    request_cutoff = add_months(on, -settings.KINFOLK_REQUEST_RETENTION_MONTHS)
    return Report(
        volunteers=list(
            Volunteer.objects.filter(left_on__lte=volunteer_cutoff, anonymised_on__isnull=True).order_by("left_on")
        ),
        requests=list(
            VolunteerRequest.objects.filter(
                status=RequestStatus.CLOSED, closed_on__lte=request_cutoff, anonymised_on__isnull=True
            ).order_by("closed_on")
        ),
        volunteer_cutoff=volunteer_cutoff,
        request_cutoff=request_cutoff,
    )


@transaction.atomic
def anonymise_volunteer(*, volunteer: Volunteer, on: dt.date) -> bool:
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.anonymised_on is not None:
        return False
    volunteer.first_name, volunteer.last_name = "Former", f"volunteer {volunteer.pk}"
    volunteer.email = f"anonymised-{volunteer.pk}@invalid.example"
    volunteer.phone, volunteer.date_of_birth = "", None
    volunteer.languages, volunteer.interests, volunteer.lived_experience = [], [], []
    volunteer.left_reason = "Anonymised"
    volunteer.pause_reason = "Anonymised" if volunteer.paused_on else ""
    volunteer.anonymised_on = on
    volunteer.save()
    # Their portal account goes too, unless it is also a member of staff's (another role).
    if volunteer.user is not None and volunteer.user.role_names <= {Role.VOLUNTEER.value}:
        anonymise_user(user=volunteer.user)
    volunteer.references.all().delete()
    volunteer.conversations.all().delete()
    volunteer.absences.all().delete()
    volunteer.declarations.all().delete()
    CheckRecord.objects.filter(volunteer=volunteer).update(note="")
    DbsCheck.objects.filter(volunteer=volunteer).update(
        certificate_number="", content_notes="", decision_note="", content_purged_on=on
    )
    audit.record(action=AuditAction.UPDATE, obj=volunteer, detail={"anonymised": True})
    return True


@transaction.atomic
def anonymise_request(*, request: VolunteerRequest, on: dt.date) -> bool:
    claimed = VolunteerRequest.objects.filter(pk=request.pk, anonymised_on__isnull=True).update(
        goals="(anonymised)",
        needs="",
        needs_summary="(anonymised)",
        consent_given_by="(anonymised)",
        interests=[],
        close_reason="Anonymised",
        anonymised_on=on,
    )
    if claimed:
        audit.record(action=AuditAction.UPDATE, obj=request, detail={"anonymised": True})
    return bool(claimed)


def anonymise_due(*, on: dt.date | None = None) -> dict[str, int]:
    """The real run (a nightly job): anonymise every candidate of the dry run."""
    on = on or today()
    report = candidates(on=on)
    return {
        "volunteers": sum(anonymise_volunteer(volunteer=v, on=on) for v in report.volunteers),
        "requests": sum(anonymise_request(request=r, on=on) for r in report.requests),
    }
