"""Demo data for the match lifecycle: the demo volunteer's active match with contacts and a raised
concern, an offer waiting, and a Rights and Reps event. Built through the services; idempotent.

Matching (volunteers.demo.matching) makes proposals; when it has not run, this builds
one proposal of its own so `make run` still shows the lifecycle.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from families.models import Family
from volunteers.models import (
    ContactKind,
    ContactOutcome,
    Event,
    EventKind,
    Match,
    MatchState,
    Volunteer,
    VolunteerRequest,
    VolunteerRole,
)
from volunteers.services import contacts, events, lifecycle

DEMO_EVENT = "Children in care council: summer planning"


def _proposal(volunteer: Volunteer, family: Family, practitioner: User, coordinator: User) -> Match:
    request = VolunteerRequest.objects.filter(family=family, role=VolunteerRole.CHILD_AND_FAMILY).first()
    if request is None:
        request = VolunteerRequest(
            role=VolunteerRole.CHILD_AND_FAMILY,
            family=family,
            requested_by=practitioner,
            goals="Build confidence getting out of the house; help with school routines.",
            needs_summary="Sam and Alex, with their mum, in the north of the borough; would like help with routines.",
            consent_given_by="Mother",
            consent_given_on=timezone.localdate() - dt.timedelta(days=60),
        )
        request.full_clean()
        request.save()
    return Match.objects.create(request=request, volunteer=volunteer, proposed_by=coordinator)


@transaction.atomic
def build() -> list[str]:
    coordinator = User.objects.filter(email="volunteers@kinfolk.test").first()
    practitioner = User.objects.filter(email="practitioner@kinfolk.test").first()
    user = User.objects.filter(email="volunteer@kinfolk.test").first()
    family = Family.objects.open().filter(allocated_practitioner=practitioner).first() if practitioner else None
    if not (coordinator and practitioner and user and family):
        return []
    volunteer = Volunteer.objects.filter(user=user).first() or Volunteer.objects.create(
        user=user,
        first_name="Jo",
        last_name="Whitfield",
        email=user.email,
        locality=family.locality,
        coordinator=coordinator,
        languages=["English"],
    )
    if not Match.objects.filter(volunteer=volunteer).exists():
        match = _proposal(volunteer, family, practitioner, coordinator)
        lifecycle.offer_match(match=match, by=coordinator)
        lifecycle.accept_offer(match=match, by=user)
        lifecycle.confirm_match(match=match, by=lifecycle.practitioner_of(match))
        # An introduction in the past cannot be diarised: the demo starts the match from confirmed.
        lifecycle.start_match(match=match, started_on=timezone.localdate() - dt.timedelta(days=40), by=coordinator)
        for days_ago, outcome in ((35, ContactOutcome.MADE), (21, ContactOutcome.MADE), (9, ContactOutcome.CANCELLED)):
            contacts.log_contact(
                match=match,
                by=user,
                occurred_on=timezone.localdate() - dt.timedelta(days=days_ago),
                kind=ContactKind.FACE_TO_FACE,
                outcome=outcome,
                minutes=60 if outcome == ContactOutcome.MADE else 0,
                notes="Walked to school together." if outcome == ContactOutcome.MADE else "Family cancelled.",
            )
        contacts.log_contact(
            match=match,
            by=user,
            occurred_on=timezone.localdate() - dt.timedelta(days=2),
            kind=ContactKind.PHONE,
            minutes=20,
            concern="Mum said there had been shouting at home at the weekend.",
        )
    if not Event.objects.filter(title=DEMO_EVENT).exists():
        day = timezone.localdate() + dt.timedelta(days=21)
        events.create_event(
            kind=EventKind.MEETING,
            title=DEMO_EVENT,
            start=local_datetime(day, dt.time(17, 0)),
            end=local_datetime(day, dt.time(19, 0)),
            location="Town Hall, Committee Room 2",
            places=4,
            required_roles=[VolunteerRole.RIGHTS_AND_REPS],
            by=coordinator,
        )
    active = Match.objects.filter(state=MatchState.ACTIVE).count()
    return [f"Volunteer lifecycle: {active} active match(es), contact log with a raised concern, an event."]
