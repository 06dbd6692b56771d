"""Meetings Kinfolk arranges, their attendees, personal calendar feeds, and reminders.

A module's own record (a GCS session, an FGC, an introduction, an event) links to
a Meeting; invites, updates, cancellations and reminders come from
diary/services.py, never from the module itself. See docs/diary-and-reminders.md.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields

if TYPE_CHECKING:
    from accounts.models import User


class MeetingKind(models.TextChoices):
    GCS_SESSION = "gcs_session", "Group Case Supervision"
    FGC = "fgc", "Family Group Conference"
    REVIEW_FGC = "review_fgc", "Review Family Group Conference"
    INTRODUCTION = "introduction", "Volunteer introduction"
    EVENT = "event", "Event"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class AttendeeResponse(models.TextChoices):
    NEEDS_ACTION = "needs-action", "Not answered"
    ACCEPTED = "accepted", "Accepted"
    TENTATIVE = "tentative", "Tentative"
    DECLINED = "declined", "Declined"


def new_uid() -> str:
    # Stable for the meeting's life: calendars match updates and cancellations on it.
    return f"{uuid.uuid4()}@kinfolk"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def scheduled(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.SCHEDULED)

    def upcoming(self) -> MeetingQuerySet:
        return self.scheduled().filter(end__gte=timezone.now()).order_by("start")

    def for_user(self, user: User) -> MeetingQuerySet:
        """Meetings a user organises or is a current attendee of."""
        attending = MeetingAttendee.objects.filter(user=user, removed_at__isnull=True).values("meeting_id")
        return self.filter(Q(organiser=user) | Q(pk__in=attending))


class MeetingSeries(models.Model):
    """Meetings that reach each attendee as one recurring calendar event, not one invite each.

    The master event is DTSTART/DTEND with RRULE, EXDATE (usual dates with no
    meeting: moved off a bank holiday, left out, cancelled) and RDATE (the dates
    they moved to). Each Meeting of the series is one instance, named in
    iCalendar by the series' UID and its `recurrence_id`; a change to one is sent
    as an exception (RECURRENCE-ID) with the meeting's own SEQUENCE, which is
    never below the series'. See docs/diary-and-reminders.md.
    """

    uid = models.CharField(max_length=255, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    location = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    link_path = models.CharField(max_length=300)
    dtstart = models.DateTimeField()
    dtend = models.DateTimeField()
    rrule = models.CharField(max_length=200, help_text="RFC 5545 RRULE value, with UNTIL in UTC.")
    exdates = models.JSONField(default=list, blank=True, help_text="ISO instants of usual dates left out.")
    rdates = models.JSONField(default=list, blank=True, help_text="ISO instants of dates added (moved to).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dtstart", "pk"]
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return f"Series {self.uid}"

    @property
    def link_url(self) -> str:
        return settings.SITE_URL + self.link_path


class Meeting(ConstraintErrorsOnFields):
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    title = models.CharField(
        max_length=200,
        help_text="Non-identifying, e.g. “Group Case Supervision – Team North”.",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    case_references = models.CharField(
        max_length=500,
        blank=True,
        help_text="Comma-separated case references, never names.",
    )
    description = models.TextField(blank=True, help_text="Shown in invites: no names or case details.")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    uid = models.CharField(max_length=255, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    reason = models.CharField(
        "reason for the last change",
        max_length=250,
        blank=True,
        help_text="Why it was last moved or cancelled, as typed. Shown in Kinfolk only: emails and invites "
        "say that there is a reason and link here, because free text may name a family.",
    )
    link_path = models.CharField(max_length=300, help_text="Path into Kinfolk, e.g. /gcs/sessions/12/.")
    reminder_rules = models.JSONField(default=list, blank=True)
    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings")
    recurrence_id = models.DateTimeField(
        null=True, blank=True, help_text="In a series: the instant that names this instance (RECURRENCE-ID)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[MeetingQuerySet] = MeetingQuerySet.as_manager()  # type: ignore[assignment]
    constraint_fields: ClassVar[dict[str, str]] = {"ends_before_start": "end"}

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="meeting_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message="The meeting must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        """Type and title, e.g. "Family Group Conference: FGC for FS-2026-0012"."""
        kind = self.get_kind_display()
        return self.title if self.title.lower().startswith(kind.lower()) else f"{kind}: {self.title}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def case_reference_list(self) -> list[str]:
        return [ref.strip() for ref in self.case_references.split(",") if ref.strip()]

    @property
    def link_url(self) -> str:
        return settings.SITE_URL + self.link_path

    @property
    def calendar_uid(self) -> str:
        """The UID calendars know this meeting by: its series' for an instance of one."""
        return self.series.uid if self.series_id and self.series else self.uid


class AttendeeQuerySet(models.QuerySet["MeetingAttendee"]):
    def current(self) -> AttendeeQuerySet:
        return self.filter(removed_at__isnull=True)


class MeetingAttendee(ConstraintErrorsOnFields):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_attendances",
    )
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True, help_text="Shown in invites only for staff users.")
    required = models.BooleanField(default=True)
    response = models.CharField(
        max_length=20,
        choices=AttendeeResponse.choices,
        default=AttendeeResponse.NEEDS_ACTION,
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_sequence = models.PositiveIntegerField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[AttendeeQuerySet] = AttendeeQuerySet.as_manager()  # type: ignore[assignment]
    constraint_fields: ClassVar[dict[str, str]] = {"attendee_listed_twice": "email"}

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                "meeting",
                Lower("email"),
                name="attendee_email_unique_per_meeting",
                violation_error_code="attendee_listed_twice",
                violation_error_message="This email address is already invited to the meeting.",
            ),
        ]

    def __str__(self) -> str:
        # Never a family member's name: external attendees are shown by address only.
        return self.name if self.user_id and self.name else self.email

    @property
    def is_staff_attendee(self) -> bool:
        return self.user_id is not None

    @property
    def display_name(self) -> str:
        return str(self)


class CalendarFeed(models.Model):
    """A user's secret calendar subscription. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "user",
                condition=Q(revoked_at__isnull=True),
                name="one_live_feed_per_user",
                violation_error_code="feed_exists",
                violation_error_message=(
                    "You already have a calendar subscription link. Stop it before making a new one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"


# --- Reminders: stored rows with a due time, moved into the outbox exactly once ---------------


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (too late)"
    WITHDRAWN = "withdrawn", "Withdrawn"


class LatePolicy(models.TextChoices):
    SEND = "send", "Send however late"
    SKIP = "skip", "Skip once its moment has passed"


class Reminder(models.Model):
    key = models.CharField(max_length=255)
    recipient_email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    late_policy = models.CharField(max_length=10, choices=LatePolicy.choices, default=LatePolicy.SEND)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    outbox_message = models.ForeignKey(
        "outbox.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "key",
                "recipient_email",
                name="reminder_unique_per_key_and_recipient",
                violation_error_code="reminder_exists",
                violation_error_message="This reminder has already been set for this person.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="reminder_pending_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} for {self.recipient_email}"
