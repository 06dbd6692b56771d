"""Venues, conferences (the first and reviews), stages, attendance and the family plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fgc.models.network import NetworkMember
from fgc.models.referral import Referral


class Venue(models.Model):
    """A room a conference can be held in: never double-booked."""

    name = models.CharField(max_length=120, unique=True)
    address = models.TextField()
    capacity = models.PositiveSmallIntegerField(default=12)
    accessible = models.BooleanField(default=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Family Group Conference"
    REVIEW = "review", "Review conference"


class ConferenceStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Conference(models.Model):
    """A booked conference: the first, or the review of its plan about three months on (kind REVIEW).

    `coordinator` is copied from the referral so the database can forbid double-booking.

    On PostgreSQL exclusion constraints forbid two booked conferences overlapping for
    one coordinator or one venue (a migration that runs only there); elsewhere the
    booking service serialises bookings.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=20, choices=ConferenceKind.choices, default=ConferenceKind.INITIAL)
    status = models.CharField(max_length=20, choices=ConferenceStatus.choices, default=ConferenceStatus.BOOKED)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="conferences")
    start = models.DateTimeField()
    end = models.DateTimeField()
    meeting = models.ForeignKey("diary.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Booking: professionals are invited to the information-sharing stage only (a diary meeting
    # from `start` to `information_sharing_ends_at`); the family's private time is theirs.
    information_sharing_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Planned end of the information-sharing stage: the professionals' invite."
    )
    professionals = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Professionals the coordinator invites besides the referrer and themselves.",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_reason = models.CharField(max_length=200, blank=True)
    # The three stages as they happened.
    information_sharing_started_at = models.DateTimeField(null=True, blank=True)
    family_time_started_at = models.DateTimeField(null=True, blank=True)
    plan_agreement_started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="conference_ends_after_start",
                violation_error_code="conference_ends_after_start",
                violation_error_message="The conference must end after it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(information_sharing_ends_at__isnull=True)
                | models.Q(
                    information_sharing_ends_at__gt=models.F("start"), information_sharing_ends_at__lte=models.F("end")
                ),
                name="conference_information_sharing_within",
                violation_error_code="conference_information_sharing_within",
                violation_error_message="Information sharing must end after the start and by the end.",
            ),
        ]
        indexes = [
            models.Index(fields=["coordinator", "status", "start"]),
            models.Index(fields=["venue", "status", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.referral.reference}"


class Stage(models.TextChoices):
    INFORMATION = "information", "Information sharing"
    FAMILY_TIME = "family_time", "Private family time"
    PLAN = "plan", "Agreeing the plan"


class ConferenceAttendance(models.Model):
    """Who was there, stage by stage: a network member or a professional."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child = models.ForeignKey("families.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stages = models.JSONField(default=list, help_text="Stage values attended.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(member__isnull=False, professional__isnull=True, child__isnull=True)
                    | models.Q(member__isnull=True, professional__isnull=False, child__isnull=True)
                    | models.Q(member__isnull=True, professional__isnull=True, child__isnull=False)
                ),
                name="attendance_is_one_person",
                violation_error_code="attendance_is_one_person",
                violation_error_message="Attendance is recorded for one person at a time.",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance at {self.conference}"


class ReferrerDecision(models.TextChoices):
    AGREED = "agreed", "Agreed"
    MORE_TIME = "more_time", "More time needed"
    NOT_AGREED = "not_agreed", "Not agreed"


def plan_upload_to(instance: FamilyPlan, filename: str) -> str:
    return f"fgc/plans/{filename}"


class FamilyPlan(models.Model):
    conference = models.OneToOneField(Conference, on_delete=models.PROTECT, related_name="plan")
    bottom_lines_met = models.BooleanField(null=True)
    referrer_decision = models.CharField(max_length=20, choices=ReferrerDecision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    monitored_by = models.CharField(max_length=200, blank=True)
    contingency = models.TextField(blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    circulated_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Rendered after the conference is recorded (fgc.tasks): the plan, and one letter per family member.
    pdf = models.FileField(upload_to=plan_upload_to, blank=True)
    letters_pdf = models.FileField(upload_to=plan_upload_to, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    # When progress on the plan was recorded at its review (the review itself is a Conference of kind REVIEW,
    # booked about three months on: settings.FGC_REVIEW_WEEKS).
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer_decision=ReferrerDecision.NOT_AGREED) | ~models.Q(decision_reasons=""),
                name="plan_not_agreed_with_reasons",
                violation_error_code="plan_not_agreed_with_reasons",
                violation_error_message="Give the reasons the plan is not agreed.",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan for {self.conference.referral.reference}"


class PlanItem(models.Model):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="items")
    what = models.TextField()
    who = models.CharField(max_length=200)
    by_when = models.DateField(null=True, blank=True)
    progress = models.TextField(blank=True, help_text="Recorded at the review conference.")

    class Meta:
        ordering = ["by_when", "pk"]

    def __str__(self) -> str:
        return self.what[:60]
