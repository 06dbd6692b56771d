"""Budget pots for Family Network Support Packages: the FGC manager adds one for a financial year and sets its amount.

A pot's amount is never set below what is already approved or paid from it, so
approved + paid never come to more than the pot (fgc.services.support refuses a
last approval the pot cannot carry for the same reason). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from fgc.models import Budget
from fgc.services.support import budgets_with_sums

DEFAULT_NAME = "Family Network Support Packages"


def financial_year_of(day: dt.date) -> int:
    """The UK public sector's financial year runs April to March: named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    return f"{year} to {year + 1}"


def financial_years() -> list[int]:
    """The years a pot may be added for: last year (set up late), this year and the next two."""
    this = financial_year_of(timezone.localdate())
    return [this - 1, this, this + 1, this + 2]


@transaction.atomic
def add_budget(*, name: str, financial_year: int, amount: Decimal, by: User) -> Budget:
    """A new pot. One name per year: a second pot of the same name would split one budget's spend in two."""
    budget = Budget(name=name.strip(), financial_year=financial_year, amount=amount)
    if Budget.objects.filter(name__iexact=budget.name, financial_year=financial_year).exists():
        year = financial_year_label(financial_year)
        raise ValidationError({"financial_year": f"There is already a budget called {budget.name} for {year}."})
    budget.full_clean()
    budget.save()
    audit.record(
        action=AuditAction.CREATE,
        obj=budget,
        detail={"budget": "added", "financial_year": financial_year, "amount": f"{budget.amount:.2f}", "by": by.pk},
    )
    return budget


@transaction.atomic
def change_amount(*, budget: Budget, amount: Decimal, by: User) -> Budget:
    """Raise or lower the pot; never below what is approved (not yet paid) and paid from it."""
    # The row lock orders this after any request or last approval against the pot (they take the same lock).
    locked = Budget.objects.select_for_update().get(pk=budget.pk)
    pot: Any = budgets_with_sums().get(pk=budget.pk)
    floor = pot.committed + pot.spent
    if amount < floor:
        raise ValidationError(
            {"amount": f"The amount cannot be less than £{floor:,.2f}, which is already approved or paid from it."}
        )
    before = locked.amount
    locked.amount = amount
    locked.full_clean()
    locked.save(update_fields=["amount"])
    audit.record(
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"amount": {"from": f"{before:.2f}", "to": f"{locked.amount:.2f}"}, "by": by.pk},
    )
    return locked
