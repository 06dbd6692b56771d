"""What happens on a live match: reviews, the volunteer's contact log, and check-ins from both sides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields
from volunteers.models.matches import Match


class Review(models.Model):
    """A review of a match (6 weeks in, then every few months), due or held."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    going_well = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "due_on"],
                name="one_review_per_due_date",
                violation_error_code="one_review_per_due_date",
                violation_error_message="A review is already due on that day.",
            )
        ]

    def __str__(self) -> str:
        return f"Review due {self.due_on:%-d %b %Y}"

    @property
    def missed(self) -> bool:
        return self.held_on is None and self.due_on < timezone.localdate()


class ContactKind(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    MESSAGE = "message", "Message"


class ContactOutcome(models.TextChoices):
    MADE = "made", "Made"
    ATTEMPTED = "attempted", "Attempted (no answer or did not happen)"
    CANCELLED = "cancelled", "Cancelled"


class Contact(ConstraintErrorsOnFields):
    """One entry in the volunteer's contact log.

    `concern` is a safeguarding concern raised in the log: the practitioner and the
    coordinator are emailed at once and it shows on their home pages until one of
    them acknowledges it.
    """

    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="contacts")
    occurred_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(24 * 60)])
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices, default=ContactOutcome.MADE)
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    notes = models.TextField(blank=True)
    miles = models.DecimalField(
        max_digits=6, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    concern = models.TextField(blank=True, help_text="A safeguarding concern: what you saw or heard.")
    concern_acknowledged_at = models.DateTimeField(null=True, blank=True)
    concern_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["match", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} contact on {self.occurred_on:%-d %b %Y}"

    @property
    def has_open_concern(self) -> bool:
        return bool(self.concern) and self.concern_acknowledged_at is None


class CheckInSide(models.TextChoices):
    VOLUNTEER = "volunteer", "The volunteer"
    FAMILY = "family", "The family or young person"


class CheckIn(models.Model):
    """Three questions, each answered 1 (not at all) to 5 (very), from either side of a match."""

    QUESTIONS: ClassVar[tuple[str, str, str]] = (
        "How well is the match going?",
        "How easy is it to meet regularly?",
        "How much is the support helping?",
    )

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="check_ins")
    side = models.CharField(max_length=20, choices=CheckInSide.choices)
    going_well = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    easy_to_meet = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    helping = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(default=dt.date.today)

    class Meta:
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"Check-in from {self.get_side_display().lower()} on {self.recorded_on:%-d %b %Y}"

    @property
    def worrying(self) -> bool:
        """Any answer of 2 or less."""
        return min(self.going_well, self.easy_to_meet, self.helping) <= 2
