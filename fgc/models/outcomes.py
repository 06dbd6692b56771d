"""What happened for each child, 6 and 12 months after the conference."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fgc.models.referral import Referral


class Living(models.TextChoices):
    AT_HOME = "at_home", "Living at home"
    FAMILY_NETWORK = "family_network", "Living with the family network"
    LOOKED_AFTER = "looked_after", "Looked after"
    OTHER = "other", "Other"


class Outcome(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="outcomes")
    child = models.ForeignKey("families.Child", on_delete=models.PROTECT, related_name="+")
    months_after = models.PositiveSmallIntegerField(choices=[(6, "6 months"), (12, "12 months")])
    living = models.CharField(max_length=20, choices=Living.choices)
    note = models.TextField(blank=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["months_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "child", "months_after"],
                name="one_outcome_per_child_and_point",
                violation_error_code="one_outcome_per_child_and_point",
                violation_error_message="This outcome is already recorded for the child.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.months_after} months: {self.get_living_display()}"
