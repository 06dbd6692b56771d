"""What the coordinator checks before the day, beyond the network itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models

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
