"""Family Network Support Packages: money that lets the network carry the plan, approved and tracked."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from fgc.models.conference import PlanItem


class Budget(models.Model):
    """A budget pot for a financial year; committed and spent are summed from its packages."""

    name = models.CharField(max_length=120)
    financial_year = models.PositiveSmallIntegerField(help_text="The year it starts, e.g. 2026 for 2026–27.")
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))])

    class Meta:
        ordering = ["-financial_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "financial_year"],
                name="one_budget_per_name_and_year",
                violation_error_code="one_budget_per_name_and_year",
                violation_error_message="There is already a budget with this name for that year.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.financial_year}–{(self.financial_year + 1) % 100:02d}"


class Purpose(models.TextChoices):
    ACCOMMODATION = "accommodation", "Accommodation or deposit"
    RESPITE = "respite", "Respite"
    PRACTICAL = "practical", "Practical items"
    TRANSPORT = "transport", "Transport"
    UNPAID_LEAVE = "unpaid_leave", "Unpaid leave"
    BOUGHT_IN = "bought_in", "Bought-in support"
    ACTIVITIES = "activities", "Activities"
    OTHER = "other", "Other"


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class PackageStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


class SupportPackage(models.Model):
    """A request for funding linked to a plan item. Refused requests are kept, with reasons."""

    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="support_packages")
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="packages")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    description = models.TextField()
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))], help_text="Per payment."
    )
    recurrence = models.CharField(max_length=20, choices=Recurrence.choices, default=Recurrence.ONE_OFF)
    payments = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    status = models.CharField(max_length=20, choices=PackageStatus.choices, default=PackageStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    paid_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} £{self.total}"

    @property
    def total(self) -> Decimal:
        return self.amount * self.payments


class ApprovalStep(models.Model):
    """One decision in the approval chain; the thresholds (fgc.approvals) say how many are needed."""

    package = models.ForeignKey(SupportPackage, on_delete=models.CASCADE, related_name="approvals")
    level = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField()
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "level"],
                name="one_decision_per_level",
                violation_error_code="one_decision_per_level",
                violation_error_message="This approval step has already been decided.",
            ),
            models.CheckConstraint(
                condition=models.Q(approved=True) | ~models.Q(reason=""),
                name="refusal_with_reason",
                violation_error_code="refusal_with_reason",
                violation_error_message="Give the reason for refusing.",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {'approved' if self.approved else 'refused'}"
