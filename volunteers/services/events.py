"""Rights and Reps events: created by a coordinator, diarised, and signed up for by approved volunteers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from core import audit
from core.models import AuditAction
from diary.models import MeetingKind
from diary.reminders import ReminderRule
from diary.services import AttendeeSpec, schedule_meeting, set_attendees
from volunteers.models import Event, EventBooking, RoleApplication, Stage, Volunteer, VolunteerRole

DOUBLE_BOOKED = "You already have a place at another event at that time."


@transaction.atomic
def create_event(
    *,
    kind: str,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    location: str,
    places: int,
    required_roles: Sequence[str],
    by: User,
) -> Event:
    """Create the event and its diary meeting (the organiser alone until volunteers sign up)."""
    roles = [role for role in required_roles if role in VolunteerRole.values] or [VolunteerRole.RIGHTS_AND_REPS]
    event = Event(
        kind=kind,
        title=title.strip(),
        start=start,
        end=end,
        location=location.strip(),
        places=places,
        required_roles=roles,
        created_by=by,
    )
    event.full_clean()
    event.save()
    event.meeting = schedule_meeting(
        kind=MeetingKind.EVENT,
        title=event.title,
        organiser=by,
        start=start,
        end=end,
        location=event.location,
        link_path=reverse("volunteers:event_detail", kwargs={"pk": event.pk}),
        reminder_rules=[ReminderRule("day-before", "start", offset_working_days=-1)],
        description="A Rights and Reps event. Open Kinfolk for the details.",
    )
    event.save(update_fields=["meeting"])
    audit.record(action=AuditAction.CREATE, obj=event, detail={"places": places})
    return event


def eligible_for(volunteer: Volunteer, event: Event) -> bool:
    """Approved for one of the event's roles, with checks valid on the day."""
    day = event.start.date()
    return (
        RoleApplication.objects.filter(volunteer=volunteer, role__in=event.required_roles, stage=Stage.APPROVED)
        .filter(Q(approved_until__isnull=True) | Q(approved_until__gte=day))
        .exists()
    )


def _sync_invites(event: Event) -> None:
    if event.meeting is None:
        return
    booked = event.bookings.filter(cancelled=False).select_related("volunteer")
    set_attendees(
        meeting=event.meeting,
        attendees=[AttendeeSpec(email=b.volunteer.email, name=b.volunteer.first_name) for b in booked],
    )


def sign_up(*, event: Event, volunteer: Volunteer) -> EventBooking:
    """Book a place: refused if not approved for a required role, if full, or if it overlaps another booking.

    The volunteer's row is locked while their bookings are checked, so two sign-ups
    at once cannot both pass; on PostgreSQL the exclusion constraint would refuse the
    second anyway.
    """
    try:
        with transaction.atomic():
            Volunteer.objects.select_for_update().get(pk=volunteer.pk)
            event = Event.objects.select_for_update().get(pk=event.pk)
            if not eligible_for(volunteer, event):
                raise ValidationError("Only volunteers approved for this event's role can sign up.")
            if event.bookings.filter(volunteer=volunteer, cancelled=False).exists():
                raise ValidationError("You already have a place at this event.")
            if event.bookings.filter(cancelled=False).count() >= event.places:
                raise ValidationError("This event is full.")
            overlapping = EventBooking.objects.filter(
                volunteer=volunteer, cancelled=False, start__lt=event.end, end__gt=event.start
            )
            if overlapping.exists():
                raise ValidationError(DOUBLE_BOOKED)
            booking = EventBooking.objects.create(event=event, volunteer=volunteer, start=event.start, end=event.end)
            audit.record(action=AuditAction.CREATE, obj=booking, detail={"event": event.pk})
            _sync_invites(event)
    except IntegrityError as exc:
        raise ValidationError(DOUBLE_BOOKED) from exc
    return booking


@transaction.atomic
def cancel_booking(*, booking: EventBooking) -> EventBooking:
    booking = EventBooking.objects.select_for_update().select_related("event").get(pk=booking.pk)
    if not booking.cancelled:
        booking.cancelled = True
        booking.save(update_fields=["cancelled"])
        audit.record(action=AuditAction.UPDATE, obj=booking, detail={"cancelled": True})
        _sync_invites(booking.event)
    return booking
