"""Safer recruitment: each role's list of requirements, and the records that meet them.

The requirements are rows the administrator edits in the Django admin (one per role
and kind, with its order and how long it stays valid), seeded with the council's
defaults; a role with no rows uses `DEFAULT_REQUIREMENTS`. The records (checks, DBS
certificates, references, supervision) are written only by
`volunteers.services.recruitment`, which recomputes each application's stage.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from volunteers.models.profile import Stage, Volunteer, VolunteerRole


class RequirementKind(models.TextChoices):
    APPLICATION_FORM = "application_form", "Application form"
    INTERVIEW = "interview", "Interview"
    REFERENCES = "references", "References"
    DBS = "dbs", "Enhanced DBS check with the children's barred list"
    SAFEGUARDING_TRAINING = "safeguarding_training", "Safeguarding training"
    ROLE_TRAINING = "role_training", "Role training"


# The pipeline stage an applicant is at while this is the first requirement not yet met.
STAGE_OF_KIND = {
    RequirementKind.APPLICATION_FORM: Stage.APPLICATION,
    RequirementKind.INTERVIEW: Stage.INTERVIEW,
    RequirementKind.REFERENCES: Stage.REFERENCES,
    RequirementKind.DBS: Stage.DBS,
    RequirementKind.SAFEGUARDING_TRAINING: Stage.TRAINING,
    RequirementKind.ROLE_TRAINING: Stage.TRAINING,
}

# Kinds met by a plain dated record (CheckRecord); DBS and references have their own records.
SIMPLE_KINDS = (
    RequirementKind.APPLICATION_FORM,
    RequirementKind.INTERVIEW,
    RequirementKind.SAFEGUARDING_TRAINING,
    RequirementKind.ROLE_TRAINING,
)


class Requirement(models.Model):
    """One thing a role needs before a volunteer is approved for it, and how long it lasts."""

    role = models.CharField(max_length=30, choices=VolunteerRole.choices)
    kind = models.CharField(max_length=30, choices=RequirementKind.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the pipeline (lowest first).")
    valid_for_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How long it counts once met, in months; blank: it does not expire.",
    )
    count = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How many are needed (references: 2).",
    )

    class Meta:
        ordering = ["role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "kind"],
                name="one_requirement_per_role_and_kind",
                violation_error_code="one_requirement_per_role_and_kind",
                violation_error_message="This role already has this requirement.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_kind_display()}"


@dataclass(frozen=True)
class DefaultRequirement:
    """A requirement as the code knows it, for a role the administrator has not configured."""

    role: str
    kind: str
    position: int
    valid_for_months: int | None
    count: int = 1

    def get_kind_display(self) -> str:
        return RequirementKind(self.kind).label


def _defaults(role: str) -> list[DefaultRequirement]:
    return [
        DefaultRequirement(role, RequirementKind.APPLICATION_FORM, 10, None),
        DefaultRequirement(role, RequirementKind.INTERVIEW, 20, None),
        DefaultRequirement(role, RequirementKind.REFERENCES, 30, None, count=2),
        DefaultRequirement(role, RequirementKind.DBS, 40, 36),
        DefaultRequirement(role, RequirementKind.SAFEGUARDING_TRAINING, 50, 36),
        DefaultRequirement(role, RequirementKind.ROLE_TRAINING, 60, None),
    ]


DEFAULT_REQUIREMENTS = {role.value: _defaults(role.value) for role in VolunteerRole}


class CheckRecord(models.Model):
    """An application form, interview or training: started (sent, booked) and then completed.

    `role` is blank when it counts for every role (safeguarding training) and names
    the role for role training.
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="check_records")
    kind = models.CharField(max_length=30, choices=[(k.value, k.label) for k in SIMPLE_KINDS])
    role = models.CharField(max_length=30, choices=VolunteerRole.choices, blank=True)
    started_on = models.DateField(help_text="Form sent, interview or course booked.")
    completed_on = models.DateField(
        null=True, blank=True, help_text="Form received, interview passed, course attended."
    )
    expires_on = models.DateField(
        null=True, blank=True, help_text="An earlier expiry than the role's own, e.g. on a training certificate."
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | models.Q(completed_on__gte=models.F("started_on")),
                name="check_completed_after_start",
                violation_error_code="check_completed_after_start",
                violation_error_message="It cannot be completed before it started.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class DbsLevel(models.TextChoices):
    ENHANCED_CHILDREN = "enhanced_children", "Enhanced with the children's barred list"
    ENHANCED = "enhanced", "Enhanced without barred lists"
    STANDARD = "standard", "Standard"
    BASIC = "basic", "Basic"


class DbsOutcome(models.TextChoices):
    PENDING = "pending", "Applied for, not yet back"
    CLEAR = "clear", "Clear"
    DISCLOSED = "disclosed", "Information disclosed"


class DbsDecision(models.TextChoices):
    NONE = "", "No decision needed yet"
    ACCEPTED = "accepted", "Accepted: safe to volunteer"
    REFUSED = "refused", "Not accepted"


class DbsCheck(models.Model):
    """A DBS certificate. After six months only its number, date, level and decision are kept."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="dbs_checks")
    applied_on = models.DateField()
    certificate_number = models.CharField(max_length=12, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    level = models.CharField(max_length=20, choices=DbsLevel.choices, default=DbsLevel.ENHANCED_CHILDREN)
    barred_list_checked = models.BooleanField(default=False, help_text="The children's barred list was checked.")
    outcome = models.CharField(max_length=20, choices=DbsOutcome.choices, default=DbsOutcome.PENDING)
    decision = models.CharField(max_length=20, choices=DbsDecision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    # Certificate content and the reasoning about it: purged six months after issue (DBS code of practice).
    content_notes = models.TextField(blank=True, help_text="What the certificate disclosed. Deleted after 6 months.")
    decision_note = models.TextField(blank=True, help_text="Why, in the coordinator's words. Deleted after 6 months.")
    content_purged_on = models.DateField(null=True, blank=True, editable=False)
    update_service = models.BooleanField(default=False, help_text="Subscribed to the DBS Update Service.")
    status_checked_on = models.DateField(
        null=True, blank=True, help_text="Last Update Service status check showing no new information."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        verbose_name = "DBS check"

    def __str__(self) -> str:
        return f"DBS {self.certificate_number or '(applied)'}"

    @property
    def needs_decision(self) -> bool:
        return self.outcome == DbsOutcome.DISCLOSED and not self.decision

    @property
    def is_acceptable(self) -> bool:
        """Issued at the right level with the barred list checked, and clear or accepted."""
        return (
            self.issued_on is not None
            and self.level == DbsLevel.ENHANCED_CHILDREN
            and self.barred_list_checked
            and (
                self.outcome == DbsOutcome.CLEAR
                or (self.outcome == DbsOutcome.DISCLOSED and self.decision == DbsDecision.ACCEPTED)
            )
        )


class ReferenceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received, to review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Not accepted"
    FAILED = "failed", "No reply after 3 weeks"


class Suitability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNSURE = "unsure", "Not sure"


class Reference(models.Model):
    """A reference asked of a referee by email, through a single-use link; counted only once accepted."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="references")
    referee_name = models.CharField(max_length=120)
    referee_email = models.EmailField()
    relationship = models.CharField(max_length=120, help_text="e.g. employer, teacher, faith leader.")
    status = models.CharField(max_length=20, choices=ReferenceStatus.choices, default=ReferenceStatus.REQUESTED)
    # The link signs this nonce; the nonce dies with the first reply.
    nonce = models.CharField(max_length=43, unique=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    chases_sent = models.PositiveSmallIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    known_for = models.CharField(max_length=60, blank=True)
    suitable = models.CharField(max_length=10, choices=Suitability.choices, blank=True)
    concerns = models.TextField(blank=True)
    statement = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"Reference from {self.referee_name}"


class ConversationKind(models.TextChoices):
    SUPERVISION = "supervision", "Supervision"
    WELLBEING = "wellbeing", "Wellbeing check-in"


class SupervisionConversation(models.Model):
    """A coordinator's supervision or wellbeing conversation with a volunteer."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(max_length=20, choices=ConversationKind.choices, default=ConversationKind.SUPERVISION)
    held_on = models.DateField()
    notes = models.TextField()
    next_due_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_due_on__gt=models.F("held_on")),
                name="next_conversation_after_this_one",
                violation_error_code="next_conversation_after_this_one",
                violation_error_message="The next conversation must be due after this one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%-d %b %Y}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
