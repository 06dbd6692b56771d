"""Matches at each step of the lifecycle, built through the lifecycle services.

The PROPOSED match is created directly (the matching area's `propose_match` makes them in the app).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.models import User
from families.models import Family
from tests.volunteers.factories import make_request, make_volunteer
from volunteers.models import Match, MatchState, RoleApplication, Stage, Volunteer
from volunteers.services import lifecycle

STEPS = (MatchState.OFFERED, MatchState.ACCEPTED, MatchState.CONFIRMED, MatchState.ACTIVE)


def volunteer_for(user: User | None = None, **extra: Any) -> Volunteer:
    if user is not None:
        existing = Volunteer.objects.filter(user=user).first()
        if existing is not None:
            return existing
    return make_volunteer(user=user, **extra)


def approve(volunteer: Volunteer, role: str, *, until: dt.date | None = None) -> RoleApplication:
    """Stands in for the recruitment service's approval (not on this branch): stage and dates only."""
    application, _ = RoleApplication.objects.get_or_create(volunteer=volunteer, role=role)
    RoleApplication.objects.filter(pk=application.pk).update(
        stage=Stage.APPROVED, approved_on=timezone.localdate(), approved_until=until
    )
    application.refresh_from_db()
    return application


def match_at(
    state: str,
    *,
    coordinator: User,
    family: Family | None = None,
    request: Any = None,
    volunteer: Volunteer | None = None,
    started_days_ago: int = 0,
) -> Match:
    """A match moved through the services up to `state` (PROPOSED, OFFERED, ACCEPTED, CONFIRMED or ACTIVE)."""
    if request is None:
        assert family is not None
        assert family is not None and family.allocated_practitioner is not None
        request = make_request(requested_by=family.allocated_practitioner, family=family)
    volunteer = volunteer or make_volunteer()
    match = Match.objects.create(request=request, volunteer=volunteer, proposed_by=coordinator)
    if state == MatchState.PROPOSED:
        return match
    lifecycle.offer_match(match=match, by=coordinator)
    if state == MatchState.OFFERED:
        return Match.objects.get(pk=match.pk)
    lifecycle.accept_offer(match=match, by=volunteer.user or coordinator)
    if state == MatchState.ACCEPTED:
        return Match.objects.get(pk=match.pk)
    lifecycle.confirm_match(match=match, by=lifecycle.practitioner_of(match))
    if state == MatchState.CONFIRMED:
        return Match.objects.get(pk=match.pk)
    lifecycle.start_match(
        match=match, started_on=timezone.localdate() - dt.timedelta(days=started_days_ago), by=coordinator
    )
    return Match.objects.get(pk=match.pk)
