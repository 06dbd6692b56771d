"""What the coordinator checks and plans before the day, beyond the network itself."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields
from fgc.models.network import ChildVoice, PreparationVisit
from fgc.models.referral import Referral


class NoNewNewsCheck(models.Model):
    """The coordinator's record that the referrer's report holds nothing the family has not already heard.

    A family that first learns something hard in front of its whole network cannot
    plan: the check is made before the conference, and made again if the report changes.
    """

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="no_new_news")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()
    note = models.TextField(blank=True, help_text="Which report was checked, and how the family heard its content.")

    def __str__(self) -> str:
        return f"No-new-news check for {self.referral.reference}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    NOT_HELD = "not_held", "Did not take place"
    CANCELLED = "cancelled", "Cancelled"


class PreparationSessionQuerySet(models.QuerySet["PreparationSession"]):
    def planned(self) -> PreparationSessionQuerySet:
        return self.filter(status=SessionStatus.PLANNED)


class PreparationSession(ConstraintErrorsOnFields):
    """A session of the child with their FGC Ambassador before the conference, planned backwards from its date.

    Confirmed by the coordinator, it is a diary meeting (`meeting`) with invites to the
    ambassador and the coordinator that name the referral only. A held session is also a
    preparation visit with the child (`visit`), so the preparation record shows it.
    """

    voice = models.ForeignKey(ChildVoice, on_delete=models.CASCADE, related_name="sessions")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    needs_replanning = models.BooleanField(
        default=False, help_text="The conference moved, and this session no longer falls a working day before it."
    )
    meeting = models.ForeignKey("diary.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(default=timezone.now)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    visit = models.OneToOneField(
        PreparationVisit, on_delete=models.SET_NULL, null=True, blank=True, related_name="session"
    )
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PreparationSessionQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {
        "preparation_session_ends_after_start": "start",
        "preparation_session_cancelled_with_reason": "cancelled_reason",
    }

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="preparation_session_ends_after_start",
                violation_error_code="preparation_session_ends_after_start",
                violation_error_message="The session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancelled_reason=""),
                name="preparation_session_cancelled_with_reason",
                violation_error_code="preparation_session_cancelled_with_reason",
                violation_error_message="Say why the session is cancelled.",
            ),
        ]

    def __str__(self) -> str:
        return f"Preparation session for {self.voice.referral.reference}"
