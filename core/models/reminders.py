"""Reminders: stored rows with a due time, moved into the outbox exactly once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (too late)"
    WITHDRAWN = "withdrawn", "Withdrawn"


class LatePolicy(models.TextChoices):
    SEND = "send", "Send however late"
    SKIP = "skip", "Skip once its moment has passed"


class Reminder(models.Model):
    key = models.CharField(max_length=255)
    recipient_email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    meeting = models.ForeignKey(
        "core.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    late_policy = models.CharField(max_length=10, choices=LatePolicy.choices, default=LatePolicy.SEND)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    outbox_message = models.ForeignKey(
        "core.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint("key", "recipient_email", name="reminder_unique_per_key_and_recipient"),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="reminder_pending_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} for {self.recipient_email}"
