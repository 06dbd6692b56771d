"""The hard rules of matching, applied in the database.

A volunteer may be proposed for a request only if, all at once:

1. their application for the request's role is approved, and stays approved (every check
   valid) until the support's expected end;
2. they have not left and are not paused;
3. they hold fewer live matches than their capacity;
4. they have declared no conflict of interest with the family or young person;
5. they are old enough for the role on the day support starts (settings);
6. no match of theirs ended unplanned within the buffer (settings);
7. they are not away on the day support is wanted from.

`eligible_volunteers(request)` is that rule set as one queryset. The matching board needs
the rules for hundreds of requests at once: `board_volunteers()` applies in the database
the rules that do not depend on the request (2, 3, 6 and "approved for some role"), and
`volunteers.matching.board` applies the rest to the rows it fetched with the same
definitions (`min_age`, `born_on_or_before`); tests/volunteers/test_matching_rules.py
checks that the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from volunteers.models import (
    LIVE_MATCH_STATES,
    Absence,
    Declaration,
    Match,
    MatchState,
    RoleApplication,
    Stage,
    Volunteer,
    VolunteerRequest,
    VolunteerRole,
)


def min_age(role: str) -> int:
    if role == VolunteerRole.CARE_LEAVER_MENTOR:
        return int(settings.KINFOLK_CARE_LEAVER_MENTOR_MIN_AGE)
    return int(settings.KINFOLK_VOLUNTEER_MIN_AGE)


def born_on_or_before(day: dt.date, years: int) -> dt.date:
    """The latest date of birth of someone at least `years` old on `day` (29 February → 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def buffer_start(today: dt.date | None = None) -> dt.date:
    """An unplanned ending after this day still keeps the volunteer off new matches."""
    today = today or timezone.localdate()
    return today - dt.timedelta(weeks=int(settings.KINFOLK_UNPLANNED_ENDING_BUFFER_WEEKS))


def live_match_count() -> Coalesce:
    """The volunteer's live matches, as a subquery (no GROUP BY over the whole volunteer row)."""
    count = (
        Match.objects.filter(volunteer=OuterRef("pk"), state__in=LIVE_MATCH_STATES)
        .order_by()
        .values("volunteer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def recently_ended_unplanned(today: dt.date | None = None) -> QuerySet[Match]:
    return Match.objects.filter(state=MatchState.ENDED, planned_ending=False, ended_on__gt=buffer_start(today))


def full_volunteers() -> QuerySet[Match, dict[str, Any]]:
    """Volunteer ids holding as many live matches as their capacity (one uncorrelated subquery)."""
    return (
        Match.objects.filter(state__in=LIVE_MATCH_STATES)
        .order_by()
        .values("volunteer_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=F("volunteer__capacity"))
        .values("volunteer_id")
    )


def available_volunteers(
    today: dt.date | None = None, *, among: QuerySet[RoleApplication] | None = None
) -> QuerySet[Volunteer]:
    """Rules 2, 3 and 6: current, not paused, room for another match, no recent unplanned ending.

    `among` (approved applications) drives the query when given: it is the most selective rule.
    Each rule is an uncorrelated `IN` subquery, run once rather than once per volunteer.
    Annotated with `live_matches`.
    """
    qs = Volunteer.objects.all()
    if among is not None:
        qs = qs.filter(pk__in=among.values("volunteer_id"))
    return (
        qs.filter(left_on__isnull=True, anonymised_on__isnull=True, paused_on__isnull=True)
        .exclude(pk__in=full_volunteers())
        .exclude(pk__in=recently_ended_unplanned(today).values("volunteer_id"))
        .annotate(live_matches=live_match_count())
    )


def conflict_condition(request: VolunteerRequest) -> Q:
    """Declarations that rule a volunteer out of this request (rule 4).

    A declaration about a family covers its care leavers, and one about a care leaver covers
    the family they came from.
    """
    if request.family_id is not None:
        return Q(family_id=request.family_id) | Q(care_leaver__family_id=request.family_id)
    condition = Q(care_leaver_id=request.care_leaver_id)
    family_id = request.care_leaver.family_id if request.care_leaver is not None else None
    if family_id is not None:
        condition |= Q(family_id=family_id)
    return condition


def eligible_volunteers(request: VolunteerRequest, *, today: dt.date | None = None) -> QuerySet[Volunteer]:
    """Every volunteer who may be proposed for `request`, by all seven rules, as one query."""
    approved = RoleApplication.objects.filter(
        role=request.role, stage=Stage.APPROVED, approved_until__gte=request.expected_end
    )
    conflict = Declaration.objects.filter(conflict_condition(request))
    away = Absence.objects.filter(starts_on__lte=request.wanted_from, ends_on__gte=request.wanted_from)
    return (
        available_volunteers(today, among=approved)
        .filter(date_of_birth__lte=born_on_or_before(request.wanted_from, min_age(request.role)))
        .exclude(pk__in=conflict.values("volunteer_id"))
        .exclude(pk__in=away.values("volunteer_id"))
    )


def board_volunteers(roles: set[str], *, today: dt.date | None = None) -> QuerySet[Volunteer]:
    """The request-independent rules, for the board: available and approved (still) for one of `roles`."""
    approved = RoleApplication.objects.filter(
        role__in=roles, stage=Stage.APPROVED, approved_until__gte=today or timezone.localdate()
    )
    return available_volunteers(today, among=approved).filter(date_of_birth__isnull=False)


def requests_awaiting_match() -> QuerySet[VolunteerRequest]:
    """Open, with consent in place, and no volunteer proposed or matched: what the board works on."""
    live = Match.objects.filter(request=OuterRef("pk"), state__in=LIVE_MATCH_STATES)
    return VolunteerRequest.objects.open().exclude(Exists(live))
