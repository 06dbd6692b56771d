"""Expenses: mileage at HMRC's approved rates, receipted costs, approval and the export for payment."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from core.uploads import store_upload, validate_upload
from core.uploads.refusals import PDF
from volunteers.models import Expense, ExpenseKind, ExpenseStatus, Match, Volunteer
from volunteers.models.expenses import tax_year_start

# HMRC approved mileage allowance payments for cars and vans.
FULL_RATE = Decimal("0.45")
REDUCED_RATE = Decimal("0.25")
FULL_RATE_MILES = Decimal("10000")
RECEIPT_KINDS = (PDF,)


def mileage_amount(*, miles_before: Decimal, miles: Decimal) -> Decimal:
    """Pay for `miles` when `miles_before` were already claimed this tax year: 45p a mile to 10,000, then 25p."""
    at_full = max(Decimal("0"), min(miles, FULL_RATE_MILES - miles_before))
    amount = at_full * FULL_RATE + (miles - at_full) * REDUCED_RATE
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def miles_claimed_in_tax_year(volunteer: Volunteer, day: dt.date) -> Decimal:
    start = tax_year_start(day)
    total = (
        Expense.objects.filter(volunteer=volunteer, kind=ExpenseKind.MILEAGE, incurred_on__gte=start)
        .filter(incurred_on__lt=dt.date(start.year + 1, 4, 6))
        .exclude(status=ExpenseStatus.REJECTED)
        .aggregate(total=Sum("miles"))["total"]
    )
    return total or Decimal("0")


def _check_match(volunteer: Volunteer, match: Match | None) -> None:
    if match is not None and match.volunteer_id != volunteer.pk:
        raise ValidationError({"match": "Choose one of your own matches."})


@transaction.atomic
def claim_mileage(
    *,
    volunteer: Volunteer,
    incurred_on: dt.date,
    miles: Decimal,
    description: str,
    by: User,
    match: Match | None = None,
) -> Expense:
    """Price the miles from what the volunteer has already claimed this tax year (under a lock on the volunteer)."""
    _check_match(volunteer, match)
    if miles <= 0:
        raise ValidationError({"miles": "Enter the miles travelled."})
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    expense = Expense(
        volunteer=volunteer,
        match=match,
        kind=ExpenseKind.MILEAGE,
        incurred_on=incurred_on,
        miles=miles,
        description=description.strip() or "Mileage",
        amount=mileage_amount(miles_before=miles_claimed_in_tax_year(volunteer, incurred_on), miles=miles),
    )
    expense.full_clean()
    expense.save()
    audit.record(action=AuditAction.CREATE, obj=expense, detail={"kind": expense.kind, "amount": str(expense.amount)})
    return expense


def claim_receipt(
    *,
    volunteer: Volunteer,
    incurred_on: dt.date,
    amount: Decimal,
    description: str,
    upload: File[Any],
    by: User,
    match: Match | None = None,
) -> Expense:
    """Scan and check the receipt (outside a transaction: a malware find's audit row must survive), then record it."""
    _check_match(volunteer, match)
    validated = validate_upload(upload, for_obj=volunteer, allowed=RECEIPT_KINDS)
    stored = store_upload(upload, validated, directory=f"volunteers/receipts/{volunteer.pk}")
    with transaction.atomic():
        expense = Expense(
            volunteer=volunteer,
            match=match,
            kind=ExpenseKind.RECEIPT,
            incurred_on=incurred_on,
            amount=amount,
            description=description.strip(),
            receipt=stored,
            receipt_display_name=validated.display_name,
        )
        expense.full_clean()
        expense.save()
        audit.record(
            action=AuditAction.CREATE, obj=expense, detail={"kind": expense.kind, "amount": str(expense.amount)}
        )
    return expense


@transaction.atomic
def decide_expense(*, expense: Expense, approve: bool, by: User, note: str = "") -> Expense:
    expense = Expense.objects.select_for_update().get(pk=expense.pk)
    if expense.status != ExpenseStatus.SUBMITTED:
        raise ValidationError("This claim has already been decided.")
    if not approve and not note.strip():
        raise ValidationError({"decision_note": "Say why the claim is not approved."})
    expense.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REJECTED
    expense.decided_by, expense.decided_at, expense.decision_note = by, timezone.now(), note.strip()
    expense.full_clean()
    expense.save()
    audit.record(action=AuditAction.UPDATE, obj=expense, detail={"status": expense.status})
    return expense


EXPORT_COLUMNS = ["Claim", "Volunteer", "Email", "Date", "Kind", "Description", "Miles", "Amount (GBP)", "Approved by"]


@transaction.atomic
def export_for_payment(*, by: User) -> tuple[str, int]:
    """CSV of every approved claim not yet exported, which are then marked paid. Audited."""
    claims = list(
        Expense.objects.select_for_update(of=("self",))
        .filter(status=ExpenseStatus.APPROVED)
        .select_related("volunteer", "decided_by")
        .order_by("volunteer__last_name", "volunteer__first_name", "incurred_on", "pk")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for claim in claims:
        writer.writerow(
            [
                claim.pk,
                claim.volunteer.full_name,
                claim.volunteer.email,
                claim.incurred_on.isoformat(),
                claim.get_kind_display(),
                claim.description,
                claim.miles if claim.kind == ExpenseKind.MILEAGE else "",
                f"{claim.amount:.2f}",
                claim.decided_by.get_full_name() if claim.decided_by else "",
            ]
        )
    now = timezone.now()
    Expense.objects.filter(pk__in=[c.pk for c in claims]).update(status=ExpenseStatus.PAID, exported_at=now)
    audit.record(
        action=AuditAction.EXPORT,
        object_type="volunteers.Expense",
        detail={"export": "payment", "claims": len(claims), "total": str(sum((c.amount for c in claims), Decimal(0)))},
    )
    return out.getvalue(), len(claims)
