"""A referral for a Family Group Conference, from its arrival to its closing."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields


class ReferralReason(models.TextChoices):
    ICPC = "icpc", "Initial Child Protection Conference"
    PLO = "plo", "Pre-proceedings (PLO)"
    CARE_ORDER = "care_order", "Care order being considered"
    EARLY_HELP = "early_help", "Early help"
    REUNIFICATION = "reunification", "Reunification"
    LIFELONG_LINKS = "lifelong_links", "Lifelong Links (a child in care)"
    OTHER = "other", "Other"


class KeyDateKind(models.TextChoices):
    ICPC = "icpc", "ICPC date"
    COURT = "court", "Court hearing"
    OTHER = "other", "Other deadline"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent: a conference is needed within 24 hours"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    DECLINED = "declined", "Declined"
    WAITING = "waiting", "Accepted, waiting for a coordinator"
    ALLOCATED = "allocated", "Allocated"
    PREPARING = "preparing", "Preparing"
    BOOKED = "booked", "Conference booked"
    HELD = "held", "Conference held"
    REVIEW = "review", "Review conference"
    PAUSED = "paused", "Paused: consent withdrawn"
    CLOSED = "closed", "Closed"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.exclude(status__in=[ReferralStatus.DECLINED, ReferralStatus.CLOSED])


class Referral(ConstraintErrorsOnFields):
    """A practitioner's referral of a family they work with.

    The family network's details hang off the referral and are seen only by the
    allocated coordinator, the FGC manager and the referrer (fgc.permissions).
    """

    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="fgc_referrals")
    children = models.ManyToManyField("families.Child", related_name="fgc_referrals", blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fgc_referrals")
    reason = models.CharField(max_length=30, choices=ReferralReason.choices)
    reason_detail = models.TextField(blank=True)
    key_date = models.DateField(null=True, blank=True, help_text="The date the conference should precede.")
    key_date_kind = models.CharField(max_length=20, choices=KeyDateKind.choices, blank=True)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    consent_given_by = models.CharField(max_length=120)
    consent_given_on = models.DateField()
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    bottom_lines = models.TextField(help_text="What children's services need the plan to achieve.")
    questions_for_family = models.TextField(blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True)
    access_needs = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED)
    received_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fgc_allocations",
        help_text="The independent FGC coordinator: never the family's own case holder.",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    referrer_contacted_at = models.DateTimeField(null=True, blank=True)
    baseline_meeting = models.ForeignKey(
        "diary.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paused_from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True, editable=False)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {
        "referral_declined_with_reason": "decline_reason",
        "referral_closed_with_reason": "close_reason",
    }

    class Meta:
        ordering = ["key_date", "received_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ReferralStatus.DECLINED) | ~models.Q(decline_reason=""),
                name="referral_declined_with_reason",
                violation_error_code="referral_declined_with_reason",
                violation_error_message="Say why the referral is declined.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReferralStatus.CLOSED) | ~models.Q(close_reason=""),
                name="referral_closed_with_reason",
                violation_error_code="referral_closed_with_reason",
                violation_error_message="Say why the referral is closed.",
            ),
        ]
        indexes = [models.Index(fields=["status", "key_date"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """What leaves Kinfolk in place of names: FGC-<id>."""
        return f"FGC-{self.pk:05d}" if self.pk else "FGC-new"

    @property
    def has_consent(self) -> bool:
        return self.consent_withdrawn_on is None


class CoordinatorProfile(models.Model):
    """What the FGC manager weighs when allocating: languages and how many referrals a coordinator can hold."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fgc_profile")
    languages = models.JSONField(default=list, blank=True, help_text="Languages the coordinator works in.")
    max_caseload = models.PositiveSmallIntegerField(default=8)

    def __str__(self) -> str:
        return f"FGC profile of {self.user}"
