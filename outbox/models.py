"""Outgoing email, written in the transaction of the change that caused it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENT = "sent", "Sent"
    DEAD = "dead", "Failed"


class OutboxMessage(models.Model):
    """One email. Rendered when queued; sent by outbox.services under a lease.

    `lease_until`/`lease_token` mark a row being sent: a worker killed mid-send
    leaves the lease to run out, and the sweep then claims the row again.
    """

    idempotency_key = models.CharField(max_length=255, unique=True)
    template = models.CharField(max_length=100)
    from_email = models.CharField(max_length=254)
    reply_to = models.JSONField(default=list, blank=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=500)
    text = models.TextField()
    html = models.TextField(blank=True)
    calendar = models.TextField(blank=True, help_text="The iCalendar object, when the email is an invite.")
    calendar_method = models.CharField(max_length=20, blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    send_after = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["send_after"],
                condition=Q(status="pending"),
                name="outbox_pending_due_idx",
            ),
            # The administrator's outbox page: one status, newest first, and its bounded counts.
            models.Index(fields=["status", "-created_at", "-id"], name="outbox_status_newest_idx"),
        ]

    def __str__(self) -> str:
        # No addresses: this lands in audit events and log lines.
        return f"{self.template} #{self.pk}"


class KeptEmail(models.Model):
    """A message the development backend kept instead of sending (demo mode only)."""

    subject = models.CharField(max_length=500)
    from_email = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    raw = models.TextField(help_text="The whole MIME message as it would have gone to the relay.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject
