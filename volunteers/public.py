"""What the volunteer scheme offers other feature apps, by name (core.registry.provided).

An FGC coordinator asks for an FGC Ambassador for a child in one action; the
request then waits on the coordinator's list like any other, and the FGC page shows
how its match stands; once the ambassador has said yes, the FGC plans the child's
preparation sessions in the times they are free. Plain values in and out: the asking
app imports nothing of ours.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from families.models import Child
from volunteers import availability
from volunteers.models import LIVE_MATCH_STATES, Match, MatchState, VolunteerRequest, VolunteerRole
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


# The volunteer has said yes: their time can be planned with. A proposal or an offer not yet
# answered cannot (the volunteer may still decline).
AGREED_STATES = (MatchState.ACCEPTED, MatchState.CONFIRMED, MatchState.INTRODUCED, MatchState.ACTIVE)


def ambassador_availability(*, request_id: int) -> dict[str, Any] | None:
    """When the FGC Ambassador matched to the request is free, to plan the child's preparation sessions.

    None unless the request is an FGC Ambassador request whose live match the volunteer
    has accepted. Otherwise:
    - "volunteer_first_name": str;
    - "email": str, the address the sessions' diary invites go to;
    - "weekly_slots": [(day, part), ...], day 0 = Monday to 6 = Sunday, part 0 = morning,
      1 = afternoon, 2 = evening (volunteers.availability);
    - "away": [(first day, last day), ...], the dates away that end today or later.
    Nothing else: not the volunteer's surname, phone, address, or why they are away.
    """
    match = (
        Match.objects.filter(request_id=request_id, request__role=VolunteerRole.FGC, state__in=AGREED_STATES)
        .select_related("volunteer")
        .first()
    )
    if match is None:
        return None
    volunteer = match.volunteer
    away = volunteer.absences.filter(ends_on__gte=timezone.localdate()).order_by("starts_on")
    return {
        "volunteer_first_name": volunteer.first_name,
        "email": volunteer.email,
        "weekly_slots": availability.slots_of(volunteer.availability),
        "away": [(absence.starts_on, absence.ends_on) for absence in away],
    }
