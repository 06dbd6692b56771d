"""Expenses: mileage at HMRC's approved rates, receipted costs, approval and the export for payment."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from core.uploads import store_upload, validate_upload
from core.uploads.refusals import JPEG, PDF, PNG
from volunteers.models import Contact, Expense, ExpenseKind, ExpenseStatus, Match, Volunteer
from volunteers.models.expenses import tax_year_start

# HMRC approved mileage allowance payments for cars and vans.
FULL_RATE = Decimal("0.45")
REDUCED_RATE = Decimal("0.25")
FULL_RATE_MILES = Decimal("10000")
# A PDF, or a photo taken on a phone (stored re-encoded, without its EXIF location: core/uploads/images.py).
RECEIPT_KINDS = (PDF, JPEG, PNG)


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


def unclaimed_contact_mileage(volunteer: Volunteer) -> QuerySet[Contact]:
    """The volunteer's contacts with miles logged that no claim has taken yet, oldest first."""
    return Contact.objects.filter(match__volunteer=volunteer, miles__gt=0, mileage_claim__isnull=True).order_by(
        "occurred_on", "pk"
    )


@dataclass(frozen=True)
class UnclaimedMileage:
    miles: Decimal
    contacts: int


def unclaimed_mileage_summary(volunteer: Volunteer) -> UnclaimedMileage:
    """What the claim page and the portal say: "N miles from M contacts not yet claimed". One query."""
    totals = unclaimed_contact_mileage(volunteer).order_by().aggregate(miles=Sum("miles"), contacts=Count("pk"))
    return UnclaimedMileage(miles=totals["miles"] or Decimal("0"), contacts=totals["contacts"])


@transaction.atomic
def claim_contact_mileage(*, volunteer: Volunteer, contacts: Iterable[Contact], by: User) -> list[Expense]:
    """One mileage claim per contact, for those of `contacts` still unclaimed; the claims made.

    Priced as `claim_mileage` prices them, in the order the contacts happened. The
    lock on the volunteer makes a second post (a double click, a second tab) wait
    for the first and then find the contacts claimed; the unique link from claim to
    contact holds even where that lock is not taken.
    """
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    wanted = {contact.pk for contact in contacts}
    if Contact.objects.filter(pk__in=wanted).exclude(match__volunteer=volunteer).exists():
        raise ValidationError("Claim mileage only from your own contacts.")
    claimed_before: dict[dt.date, Decimal] = {}
    claims = []
    for contact in unclaimed_contact_mileage(volunteer).filter(pk__in=wanted):
        year = tax_year_start(contact.occurred_on)
        if year not in claimed_before:
            claimed_before[year] = miles_claimed_in_tax_year(volunteer, contact.occurred_on)
        expense = Expense(
            volunteer=volunteer,
            match_id=contact.match_id,
            contact=contact,
            kind=ExpenseKind.MILEAGE,
            incurred_on=contact.occurred_on,
            miles=contact.miles,
            description=f"{contact.get_kind_display()} contact on {contact.occurred_on:%-d %b %Y}",
            amount=mileage_amount(miles_before=claimed_before[year], miles=contact.miles),
        )
        expense.full_clean()
        expense.save()
        claimed_before[year] += contact.miles
        audit.record(
            action=AuditAction.CREATE,
            obj=expense,
            detail={"kind": expense.kind, "amount": str(expense.amount), "contact": contact.pk},
        )
        claims.append(expense)
    return claims


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
