"""Rights and Reps events: meetings, activities and trips that approved volunteers sign up for."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields
from volunteers.models.profile import Volunteer


class EventKind(models.TextChoices):
    MEETING = "meeting", "Children in care council meeting"
    ACTIVITY = "activity", "Activity"
    TRIP = "trip", "Trip"


class Event(ConstraintErrorsOnFields):
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=200, help_text="Shown in invites: no names of children.")
    start = models.DateTimeField()
    end = models.DateTimeField()
    location = models.CharField(max_length=300)
    places = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    required_roles = models.JSONField(default=list, help_text="VolunteerRole values; a volunteer needs one.")
    meeting = models.ForeignKey("diary.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    constraint_fields: ClassVar[dict[str, str]] = {"event_ends_after_start": "end"}

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="event_ends_after_start",
                violation_error_code="event_ends_after_start",
                violation_error_message="The event must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EventBooking(models.Model):
    """A volunteer's place at an event. `start`/`end` copy the event's so overlaps can be refused in the database.

    On PostgreSQL an exclusion constraint (migration 'events_exclusion') refuses two
    live bookings of one volunteer whose times overlap; the service also checks
    under a lock so SQLite refuses them too.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bookings")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="event_bookings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    booked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "volunteer"],
                condition=models.Q(cancelled=False),
                name="one_live_booking_per_volunteer_and_event",
                violation_error_code="one_live_booking_per_volunteer_and_event",
                violation_error_message="You already have a place at this event.",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking for {self.event}"
