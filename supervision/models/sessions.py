"""Sessions of a group, their agenda, papers and attendance."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"


class SessionQuerySet(models.QuerySet["SupervisionSession"]):
    def scheduled(self) -> SessionQuerySet:
        return self.filter(status=SessionStatus.SCHEDULED)

    def upcoming(self, now: dt.datetime | None = None) -> SessionQuerySet:
        return self.scheduled().filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now: dt.datetime | None = None) -> SessionQuerySet:
        return self.filter(end__lt=now or timezone.now()).order_by("-start")

    def with_counts(self) -> SessionQuerySet:
        return self.annotate(
            item_count=models.Count("items", distinct=True),
            paper_count=models.Count("items__papers", distinct=True),
        )


class SupervisionSession(ConstraintErrorsOnFields):
    """One sitting of a group. Its diary entry is the linked core Meeting."""

    group = models.ForeignKey("supervision.SupervisionGroup", on_delete=models.CASCADE, related_name="sessions")
    meeting = models.OneToOneField(
        "diary.Meeting", on_delete=models.PROTECT, related_name="gcs_session", null=True, blank=True
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    location = models.CharField("room", max_length=200, blank=True)
    online_url = models.URLField("online meeting link", blank=True)
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    schedule_note = models.CharField(
        max_length=250, blank=True, help_text="Why the session is not on the group's usual day."
    )
    cancel_reason = models.CharField(max_length=250, blank=True)
    papers_due_at = models.DateTimeField()
    agenda_published_at = models.DateTimeField(null=True, blank=True)

    minutes_status = models.CharField(max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    minutes_submitted_at = models.DateTimeField(null=True, blank=True)
    minutes_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comments = models.TextField(blank=True)
    correction_reason = models.TextField(blank=True)
    first_circulated_at = models.DateTimeField(null=True, blank=True)
    turnaround_working_hours = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Working hours from the end of the session to the first circulation of its minutes.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SessionQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {"ends_before_start": "end"}

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["group", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="gcs_session_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message="The session must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.group.name}, {local:%-d %B %Y}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_status in {MinutesStatus.SUBMITTED, MinutesStatus.APPROVED}

    @property
    def circulated_same_day(self) -> bool | None:
        """Whether the minutes went out on the day of the session, the goal (None until circulated)."""
        if self.first_circulated_at is None:
            return None
        return timezone.localtime(self.first_circulated_at).date() == timezone.localtime(self.end).date()

    @property
    def papers_overdue(self) -> bool:
        return timezone.now() > self.papers_due_at

    @property
    def has_started(self) -> bool:
        """Minutes can be submitted from the start of the session (services.submit_minutes)."""
        return timezone.now() >= self.start

    @property
    def papers_open(self) -> bool:
        """Whether a paper may still be uploaded (services.papers refuses the rest)."""
        return not self.is_cancelled and self.minutes_status == MinutesStatus.DRAFT


class AgendaItem(ConstraintErrorsOnFields):
    """A family to discuss, its presenting worker and its place in the running order.

    The time slot is derived from the order and each item's length, so
    reordering moves the slots with it.
    """

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="items")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="gcs_items")
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gcs_presenting")
    specialists = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Adult specialists working with this family, expected to update.",
    )
    position = models.PositiveSmallIntegerField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    constraint_fields: ClassVar[dict[str, str]] = {"family_already_on_agenda": "family"}

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "family"],
                name="gcs_item_family_once_per_session",
                violation_error_code="family_already_on_agenda",
                violation_error_message="This family is already on the session's agenda.",
            ),
        ]

    def __str__(self) -> str:
        # The case reference, never the family name: this ends up in the audit trail.
        return f"{self.family.case_reference} at {self.session}"


def paper_upload_to(instance: Paper, filename: str) -> str:
    # Kept for migrations; uploads are stored through core.uploads.store_upload.
    return f"gcs/papers/{filename}"


class Paper(models.Model):
    """A paper for an agenda item, stored privately and served through a checked view."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    file = models.FileField(upload_to=paper_upload_to, max_length=300)
    # The stored file's name is generated (core.uploads.store_upload); the name the presenter
    # gave, which often names the family, lives only here and is shown only to those who may
    # read the paper.
    name = models.CharField(
        max_length=150, help_text="The name the presenter gave the file, cleaned: shown and offered on download."
    )
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    late = models.BooleanField(default=False, help_text="Uploaded after the papers deadline.")

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"Paper {self.pk} for {self.item.family.case_reference}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent without apologies"


class Attendance(ConstraintErrorsOnFields):
    """Who actually came, recorded at the meeting (responses to invites live on the Meeting)."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    discipline = models.CharField(max_length=30, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    constraint_fields: ClassVar[dict[str, str]] = {"attendance_already_recorded": "user"}

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                name="gcs_attendance_once",
                violation_error_code="attendance_already_recorded",
                violation_error_message="Attendance has already been recorded for this person.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.status}"

    @property
    def discipline_label(self) -> str:
        from supervision.models.groups import Discipline

        return dict(Discipline.choices).get(self.discipline, "")


class SessionGuest(ConstraintErrorsOnFields):
    """A professional from outside the group invited to one session (a school nurse, a probation officer).

    Invited through the session's diary entry; their attendance is recorded
    here, as they have no Kinfolk account. They never see the minutes in Kinfolk.
    """

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    role = models.CharField("role", max_length=120, help_text="For example, school nurse.")
    organisation = models.CharField(max_length=120, blank=True)
    attendance = models.CharField(max_length=20, choices=AttendanceStatus.choices, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)

    constraint_fields: ClassVar[dict[str, str]] = {"guest_already_invited": "email"}

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                name="gcs_guest_once_per_session",
                violation_error_code="guest_already_invited",
                violation_error_message="This person is already invited to the session.",
            )
        ]

    def __str__(self) -> str:
        return f"Guest {self.pk} at session {self.session_id}"

    @property
    def role_label(self) -> str:
        return f"{self.role}, {self.organisation} (guest)" if self.organisation else f"{self.role} (guest)"
