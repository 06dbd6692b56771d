"""What the volunteer scheme offers other feature apps, by name (core.registry.provided).

An FGC coordinator asks for an FGC Ambassador for a child in one action; the
request then waits on the coordinator's list like any other, and the FGC page shows
how its match stands. Plain values in and out: the asking app imports nothing of ours.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from families.models import Child
from volunteers.models import LIVE_MATCH_STATES, Match, VolunteerRequest, VolunteerRole
from volunteers.services.requests import make_request


@transaction.atomic
def request_fgc_ambassador(
    *, child_id: int, family_id: int, requested_by: User, needs_summary: str, wanted_from: dt.date, reference: str
) -> int:
    """Open a request for an FGC Ambassador for a child preparing for their conference; returns its id.

    The FGC's parental consent covers the ambassador (the family agreed to the conference,
    which the ambassador helps the child take part in); `reference` (FGC-…) is kept in the goals.
    """
    child = Child.objects.select_related("family").get(pk=child_id, family_id=family_id)
    request = make_request(
        by=requested_by,
        role=VolunteerRole.FGC,
        family=child.family,
        child=child,
        goals=f"Help the child prepare for and take part in their Family Group Conference ({reference}).",
        needs_summary=needs_summary,
        wanted_from=wanted_from,
        expected_weeks=8,
        consent_given_by=f"Parental consent to the FGC ({reference})",
        consent_given_on=min(wanted_from, timezone.localdate()),
    )
    return request.pk


def match_summary(*, request_id: int) -> dict[str, Any] | None:
    """How the request's match stands, for the asking app's page: state, volunteer's first name, reference."""
    request = VolunteerRequest.objects.filter(pk=request_id).first()
    if request is None:
        return None
    match: Match | None = (
        request.matches.filter(state__in=LIVE_MATCH_STATES).select_related("volunteer").first()
        or request.matches.select_related("volunteer").order_by("-proposed_at").first()
    )
    return {
        "reference": request.reference,
        "request_status": request.get_status_display(),
        "state": match.get_state_display() if match else "Waiting for a match",
        "volunteer_first_name": match.volunteer.first_name if match and match.is_live else "",
    }
