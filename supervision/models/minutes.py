"""Real-time minutes, actions and approved versions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class MinutesSection(models.TextChoices):
    """The parts of a family's discussion, in the order a GCS discussion runs."""

    PRESENT = "present", "Present for this discussion"
    DISCUSSION = "discussion", "Discussion"
    WORRIES = "worries", "Worries and risks"
    STRENGTHS = "strengths", "Strengths"
    HYPOTHESES = "hypotheses", "Hypotheses"
    DECISIONS = "decisions", "Decisions"


SECTION_HINTS = {
    MinutesSection.PRESENT: "Who took part in this family's discussion.",
    MinutesSection.DISCUSSION: (
        "The presenting worker's summary, each adult specialist's update, and the child's lived experience: "
        "what does this mean for the child?"
    ),
    MinutesSection.WORRIES: "What are we worried about, and how likely and serious is it?",
    MinutesSection.STRENGTHS: "What is going well; the family's and network's strengths.",
    MinutesSection.HYPOTHESES: "Why might this be happening?",
    MinutesSection.DECISIONS: "What the group decided.",
}


class MinutesEntry(models.Model):
    """One section of one family's minutes.

    `version` rises on every save. An autosave sends the version it edited; a
    save based on an older version is refused and shown as a conflict, so two
    people editing the same section never silently overwrite each other.
    """

    item = models.ForeignKey("supervision.AgendaItem", on_delete=models.CASCADE, related_name="entries")
    section = models.CharField(max_length=20, choices=MinutesSection.choices)
    text = models.TextField(blank=True, max_length=20000)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "section"],
                name="gcs_entry_once_per_section",
                violation_error_code="section_exists",
                violation_error_message="This section of the minutes has already been started. Reload the page.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.section} v{self.version}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today: dt.date | None = None) -> ActionQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def with_relations(self) -> ActionQuerySet:
        return self.select_related("owner", "family", "item__session", "group")


class Action(models.Model):
    """What the group asked someone to do for a family, and by when."""

    group = models.ForeignKey("supervision.SupervisionGroup", on_delete=models.CASCADE, related_name="actions")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="gcs_actions")
    item = models.ForeignKey("supervision.AgendaItem", on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("what", max_length=1000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gcs_actions")
    due_on = models.DateField("due date")
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["group", "status", "due_on"]),
            models.Index(fields=["family", "status"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", completed_at__isnull=True)
                | models.Q(status="done", completed_at__isnull=False),
                name="gcs_action_done_has_completion",
                violation_error_code="completion_mismatch",
                violation_error_message="An action marked done needs the time it was done; an open action has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} for {self.family.case_reference}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < timezone.localdate()


def minutes_pdf_upload_to(instance: MinutesVersion, filename: str) -> str:
    return f"gcs/minutes/{filename}"


class MinutesVersion(models.Model):
    """An approved, locked copy of a session's minutes.

    A correction after approval is approved as a new version with its reason;
    earlier versions and their PDFs are kept.
    """

    session = models.ForeignKey("supervision.SupervisionSession", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True, help_text="Why this correction was made (blank for the first version).")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField(help_text="The minutes as approved: attendance, items, sections and actions.")
    pdf = models.FileField(upload_to=minutes_pdf_upload_to, max_length=300, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    circulated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                name="gcs_minutes_version_unique",
                violation_error_code="version_exists",
                violation_error_message="This version of the minutes has already been approved. Reload the page.",
            )
        ]

    def __str__(self) -> str:
        return f"Minutes v{self.number} of {self.session}"


class ActionReview(models.Model):
    """What a discussion decided about an action carried over from an earlier one.

    Recorded in the minutes of the session that reviewed it (and so in its
    PDF): marked done, given a new due date, given a new owner, or kept as it
    was. One review per action per discussion; reviewing again replaces it.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reviews")
    item = models.ForeignKey("supervision.AgendaItem", on_delete=models.CASCADE, related_name="action_reviews")
    marked_done = models.BooleanField(default=False)
    due_before = models.DateField()
    due_after = models.DateField()
    owner_before = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_after = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "action__due_on", "action__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "item"],
                name="gcs_action_reviewed_once_per_discussion",
                violation_error_code="already_reviewed",
                violation_error_message="This action has already been reviewed in this discussion. Reload the page.",
            )
        ]

    def __str__(self) -> str:
        return f"Review of action {self.action_id} at item {self.item_id}"

    @property
    def outcome(self) -> str:
        """In words, for the minutes and the PDF: "Done", "Re-dated to …", "Reassigned to …", "Kept open"."""
        parts = []
        if self.marked_done:
            parts.append("Marked done")
        if self.due_after != self.due_before:
            parts.append(f"Re-dated from {self.due_before:%-d %b %Y} to {self.due_after:%-d %b %Y}")
        if self.owner_after_id != self.owner_before_id:
            parts.append(f"Reassigned from {self.owner_before.full_name} to {self.owner_after.full_name}")
        return "; ".join(parts) or "Reviewed and kept open"
