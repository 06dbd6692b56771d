"""A volunteer matched to a request, from the proposal to the ending."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields
from volunteers.models.profile import Volunteer
from volunteers.models.requests import VolunteerRequest


class MatchState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    OFFERED = "offered", "Offered to the volunteer"
    ACCEPTED = "accepted", "Accepted by the volunteer"
    CONFIRMED = "confirmed", "Confirmed by the practitioner"
    INTRODUCED = "introduced", "Introduction arranged"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    # A proposal that never started.
    DECLINED = "declined", "Declined by the volunteer"
    EXPIRED = "expired", "Offer expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A request has at most one match in these states; the volunteer's capacity counts them.
LIVE_MATCH_STATES = (
    MatchState.PROPOSED,
    MatchState.OFFERED,
    MatchState.ACCEPTED,
    MatchState.CONFIRMED,
    MatchState.INTRODUCED,
    MatchState.ACTIVE,
)


class EndingReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    PLANNED = "planned", "Planned ending (time-limited support)"
    FAMILY_ENDED = "family_ended", "The family or young person ended it"
    VOLUNTEER_ENDED = "volunteer_ended", "The volunteer ended it"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    CHECKS_LAPSED = "checks_lapsed", "The volunteer's checks lapsed"
    CASE_CLOSED = "case_closed", "The case closed or moved"
    OTHER = "other", "Other"


class MatchQuerySet(models.QuerySet["Match"]):
    def live(self) -> MatchQuerySet:
        return self.filter(state__in=LIVE_MATCH_STATES)


class Match(ConstraintErrorsOnFields):
    """One volunteer for one request, with why they were chosen.

    `score`, `reasons` (the explanation, line by line) and `shortlist` (each other
    candidate's score, and why they were passed over) are kept with the match so the
    decision can be explained to a complainant or an inspector.
    """

    request = models.ForeignKey(VolunteerRequest, on_delete=models.PROTECT, related_name="matches")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="matches")
    state = models.CharField(max_length=20, choices=MatchState.choices, default=MatchState.PROPOSED)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    shortlist = models.JSONField(default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approval_note = models.TextField(blank=True, help_text="Why this volunteer, in the coordinator's words.")
    proposed_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    introduction = models.ForeignKey(
        "diary.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ending_reason = models.CharField(max_length=30, choices=EndingReason.choices, blank=True)
    ending_note = models.TextField(blank=True)
    planned_ending = models.BooleanField(null=True, blank=True)
    goals_met = models.BooleanField(null=True, blank=True)
    final_contact_on = models.DateField(
        null=True, blank=True, help_text="A planned ending's last contact with the family or young person."
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    declined_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {
        "one_live_match_per_request": "volunteer",
        "match_ended_with_reason": "ending_reason",
    }

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state__in=LIVE_MATCH_STATES),
                name="one_live_match_per_request",
                violation_error_code="one_live_match_per_request",
                violation_error_message="This request already has a volunteer proposed or matched.",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=MatchState.ENDED) | ~models.Q(ending_reason=""),
                name="match_ended_with_reason",
                violation_error_code="match_ended_with_reason",
                violation_error_message="Choose why the match ended.",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "state"])]

    def __str__(self) -> str:
        return f"{self.request.reference} – {self.volunteer.first_name}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_MATCH_STATES
