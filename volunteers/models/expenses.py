"""Volunteers' expenses: mileage at HMRC rates and receipted costs, approved by a coordinator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields
from volunteers.models.lifecycle import Contact
from volunteers.models.matches import Match
from volunteers.models.profile import Volunteer


class ExpenseKind(models.TextChoices):
    MILEAGE = "mileage", "Mileage"
    RECEIPT = "receipt", "Other cost, with a receipt"


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"
    PAID = "paid", "Exported for payment"


class Expense(ConstraintErrorsOnFields):
    """One claim. Mileage is priced when claimed, from the miles already claimed in that tax year.

    Mileage claimed from the contact log is one claim per contact, linked to it:
    the link is unique, so a contact's miles are claimed once, whatever the outcome
    of the claim (a refused one is not offered again).
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="expenses")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses")
    kind = models.CharField(max_length=20, choices=ExpenseKind.choices)
    incurred_on = models.DateField()
    description = models.CharField(max_length=200)
    miles = models.DecimalField(
        max_digits=7, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    contact = models.OneToOneField(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mileage_claim",
        error_messages={"unique": "The miles of this contact have already been claimed."},
    )
    receipt = models.CharField(max_length=300, blank=True, help_text="Storage name, generated.")
    receipt_display_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    constraint_fields: ClassVar[dict[str, str]] = {"receipted_expense_has_receipt": "receipt"}

    class Meta:
        ordering = ["-incurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="receipt") | ~models.Q(receipt=""),
                name="receipted_expense_has_receipt",
                violation_error_code="receipted_expense_has_receipt",
                violation_error_message="Upload the receipt.",
            ),
            models.CheckConstraint(
                condition=models.Q(contact__isnull=True) | models.Q(kind="mileage"),
                name="contact_claim_is_mileage",
                violation_error_code="contact_claim_is_mileage",
                violation_error_message="Only mileage is claimed from a contact.",
            ),
        ]
        indexes = [models.Index(fields=["status", "incurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} on {self.incurred_on:%-d %b %Y}"


def tax_year_start(day: dt.date) -> dt.date:
    """6 April on or before `day`."""
    start = dt.date(day.year, 4, 6)
    return start if day >= start else dt.date(day.year - 1, 4, 6)
