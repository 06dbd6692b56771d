"""The family network the coordinator prepares, and the child's voice."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models

from core.constraints import ConstraintErrorsOnFields
from fgc.models.referral import Referral


class InvitationStatus(models.TextChoices):
    TO_CONTACT = "to_contact", "To contact"
    CONTACTED = "contacted", "Contacted"
    VISITED = "visited", "Visited"
    ATTENDING = "attending", "Attending"
    DECLINED = "declined", "Declined"
    NOT_INVITED = "not_invited", "Not to be invited (safety)"


class NetworkMember(ConstraintErrorsOnFields):
    """A person in the family network: family, friends, others who matter to the child."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="network")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=80, help_text="To the child, e.g. maternal grandmother.")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True, help_text="For a printed invitation letter.")
    invitation_status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.TO_CONTACT
    )
    safety_note = models.TextField(blank=True, help_text="Why not to invite, or what to take care over.")
    interpreter_language = models.CharField(max_length=60, blank=True)
    access_needs = models.CharField(max_length=200, blank=True)
    childcare_needed = models.BooleanField(default=False)

    constraint_fields: ClassVar[dict[str, str]] = {"network_not_invited_says_why": "safety_note"}

    class Meta:
        ordering = ["name"]
        constraints = [
            # Whoever reads the network later must know why this person is kept away.
            models.CheckConstraint(
                condition=~models.Q(invitation_status="not_invited") | ~models.Q(safety_note=""),
                name="network_not_invited_says_why",
                violation_error_code="network_not_invited_says_why",
                violation_error_message="Say why this person is not to be invited, for their and the child's safety.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class PreparationVisit(ConstraintErrorsOnFields):
    """A preparation visit or call with one person in the network, or with the child."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="visits")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, null=True, blank=True, related_name="visits")
    child = models.ForeignKey("families.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    visited_on = models.DateField(default=dt.date.today)
    notes = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    constraint_fields: ClassVar[dict[str, str]] = {"visit_with_one_person": "member"}

    class Meta:
        ordering = ["-visited_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, child__isnull=True)
                | models.Q(member__isnull=True, child__isnull=False),
                name="visit_with_one_person",
                violation_error_code="visit_with_one_person",
                violation_error_message="Choose who the visit was with: one person in the network, or a child.",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit on {self.visited_on:%-d %b %Y}"


class Participation(models.TextChoices):
    ATTEND = "attend", "Attends the whole conference"
    PART = "part", "Attends part of it"
    VIEWS_ONLY = "views_only", "Views shared, not attending"
    NOT_TAKING_PART = "not_taking_part", "Not taking part"


class ChildVoice(models.Model):
    """The child's views, wishes and feelings, in their words or spoken for them by the ambassador."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="child_voices")
    child = models.ForeignKey("families.Child", on_delete=models.CASCADE, related_name="+")
    participation = models.CharField(max_length=20, choices=Participation.choices, default=Participation.ATTEND)
    views = models.TextField(blank=True)
    spoken_by_ambassador = models.BooleanField(
        default=False, help_text="The child chose the ambassador to speak for them."
    )
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the views reached coordinator and referrer."
    )
    ambassador_request_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The volunteer scheme's request for an FGC Ambassador (its id; no import)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "child"],
                name="one_voice_per_child",
                violation_error_code="one_voice_per_child",
                violation_error_message="The child's views are already recorded for this referral.",
            )
        ]

    def __str__(self) -> str:
        return f"Views for {self.referral.reference}"
