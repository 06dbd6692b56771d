"""A practitioner's request for a volunteer for a family, a child or a care leaver."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields
from volunteers import availability
from volunteers.models.profile import Gender, VolunteerRole


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a match"
    MATCHED = "matched", "Matched"
    CLOSED = "closed", "Closed"


class VolunteerRequestQuerySet(models.QuerySet["VolunteerRequest"]):
    def open(self) -> VolunteerRequestQuerySet:
        """Waiting for a match, with consent in place."""
        return self.filter(status=RequestStatus.OPEN, consent_withdrawn_on__isnull=True)


class VolunteerRequest(ConstraintErrorsOnFields):
    """What the practitioner asks for. The family or young person's consent is recorded and can be withdrawn.

    `needs_summary` is the only description of the family a volunteer ever sees
    (with first names and the area): it must not carry the case file.
    """

    role = models.CharField(max_length=30, choices=VolunteerRole.choices)
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="volunteer_requests"
    )
    child = models.ForeignKey(
        "families.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="volunteer_requests"
    )
    care_leaver = models.ForeignKey(
        "families.CareLeaver", on_delete=models.PROTECT, null=True, blank=True, related_name="volunteer_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_requests"
    )
    goals = models.TextField(help_text="What the support should achieve.")
    needs = models.TextField(blank=True, help_text="What the coordinator needs to know to match well.")
    needs_summary = models.CharField(
        max_length=300,
        help_text="What the volunteer will see: first names, area and needs in a sentence or two. No case detail.",
    )
    preferred_gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True)
    preferred_times = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(availability.ALL)],
        help_text="Weekly slots that suit the family or young person (volunteers.availability).",
    )
    interests = models.JSONField(default=list, blank=True)
    remote_ok = models.BooleanField(default=False, help_text="Phone or video contact would suit.")
    wanted_from = models.DateField(default=dt.date.today)
    expected_weeks = models.PositiveSmallIntegerField(
        default=26, validators=[MinValueValidator(1), MaxValueValidator(260)]
    )
    consent_given_by = models.CharField(
        max_length=120, help_text="Who gave consent, e.g. 'Mother', 'the young person'."
    )
    consent_given_on = models.DateField()
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    # Set by the retention job: the free text is gone, the row still counts in the figures.
    anonymised_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerRequestQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {
        "request_for_one_person": "family",
        "request_closed_with_reason": "close_reason",
    }

    class Meta:
        ordering = ["wanted_from", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(family__isnull=False, care_leaver__isnull=True)
                    | models.Q(family__isnull=True, care_leaver__isnull=False, child__isnull=True)
                ),
                name="request_for_one_person",
                violation_error_code="request_for_one_person",
                violation_error_message="Choose a family (and child) or a care leaver.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=RequestStatus.CLOSED) | ~models.Q(close_reason=""),
                name="request_closed_with_reason",
                violation_error_code="request_closed_with_reason",
                violation_error_message="Say why the request is closed.",
            ),
        ]
        indexes = [models.Index(fields=["status", "role"])]

    def __str__(self) -> str:
        return f"Request {self.reference}"

    @property
    def reference(self) -> str:
        """What leaves Kinfolk in place of names: VR-<id>."""
        return f"VR-{self.pk:05d}" if self.pk else "VR-new"

    @property
    def expected_end(self) -> dt.date:
        return self.wanted_from + dt.timedelta(weeks=self.expected_weeks)

    @property
    def has_consent(self) -> bool:
        return self.consent_withdrawn_on is None
