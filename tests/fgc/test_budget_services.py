"""Budget pots: added for a financial year, their amount changed, never below what is approved and paid; audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from core.models import AuditAction, AuditEvent
from families.models import Family
from fgc.models import Budget, PlanItem, Purpose
from fgc.services import budgets, support
from tests.fgc.conference_helpers import booked_conference, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(north_family: Family, alice: User, fern: User) -> PlanItem:
    plan = record(booked_conference(family=north_family, referrer=alice, coordinator=fern), by=fern)
    return plan.items.order_by("pk").first()  # type: ignore[return-value]


def _audits(budget: Budget) -> list[dict[str, Any]]:
    rows = AuditEvent.objects.filter(object_type="fgc.Budget", object_id=str(budget.pk)).order_by("pk")
    return [{"action": e.action, **e.detail} for e in rows]


def test_the_financial_year_runs_april_to_march() -> None:
    assert budgets.financial_year_of(dt.date(2027, 3, 31)) == 2026
    assert budgets.financial_year_of(dt.date(2027, 4, 1)) == 2027
    assert budgets.financial_year_label(2026) == "2026 to 2027"


def test_the_years_offered_are_last_this_and_the_next_two(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC))
    assert budgets.financial_years() == [2025, 2026, 2027, 2028]


def test_a_pot_is_added_and_audited(fay: User) -> None:
    budget = budgets.add_budget(name="  Family Networks pilot ", financial_year=2026, amount=Decimal(25000), by=fay)
    assert (budget.name, budget.financial_year, budget.amount) == ("Family Networks pilot", 2026, Decimal(25000))
    assert _audits(budget) == [
        {"action": AuditAction.CREATE, "budget": "added", "financial_year": 2026, "amount": "25000.00", "by": fay.pk}
    ]


def test_a_second_pot_of_the_same_name_for_the_same_year_is_refused(fay: User) -> None:
    budgets.add_budget(name="Family Networks pilot", financial_year=2026, amount=Decimal(100), by=fay)
    with pytest.raises(ValidationError) as exc:
        budgets.add_budget(name="family networks PILOT", financial_year=2026, amount=Decimal(200), by=fay)
    assert exc.value.message_dict == {
        "financial_year": ["There is already a budget called family networks PILOT for 2026 to 2027."]
    }
    assert Budget.objects.count() == 1
    assert budgets.add_budget(name="Family Networks pilot", financial_year=2027, amount=Decimal(200), by=fay).pk


def test_a_pot_cannot_be_negative(fay: User) -> None:
    with pytest.raises(ValidationError) as exc:
        budgets.add_budget(name="Pilot", financial_year=2026, amount=Decimal(-1), by=fay)
    assert "amount" in exc.value.message_dict
    assert not Budget.objects.exists()


def test_the_amount_is_raised_or_lowered_down_to_what_is_approved_and_paid(
    item: PlanItem, fern: User, mo: User, fay: User
) -> None:
    budget = budgets.add_budget(name="Pilot", financial_year=2026, amount=Decimal(2000), by=fay)

    def ask(amount: str) -> Any:
        return support.request_package(
            plan_item=item, by=fern, budget=budget, purpose=Purpose.RESPITE, description="x", amount=Decimal(amount)
        )

    support.decide(package=ask("300"), by=mo, approved=True)  # approved, not yet paid
    paid = support.decide(package=ask("400"), by=mo, approved=True)
    support.mark_paid(package=paid, by=mo, amount=Decimal("350"))
    ask("200")  # awaiting approval: not part of the floor
    with pytest.raises(ValidationError) as exc:
        budgets.change_amount(budget=budget, amount=Decimal("649.99"), by=fay)
    assert exc.value.message_dict == {
        "amount": ["The amount cannot be less than £650.00, which is already approved or paid from it."]
    }
    budget.refresh_from_db()
    assert budget.amount == Decimal(2000)
    assert len(_audits(budget)) == 1  # only its creation: the refused change left no trace

    assert budgets.change_amount(budget=budget, amount=Decimal(650), by=fay).amount == Decimal(650)
    assert budgets.change_amount(budget=budget, amount=Decimal("3000.50"), by=fay).amount == Decimal("3000.50")
    budget.refresh_from_db()
    assert budget.amount == Decimal("3000.50")
    assert [a["amount"] for a in _audits(budget)[1:]] == [
        {"from": "2000.00", "to": "650.00"},
        {"from": "650.00", "to": "3000.50"},
    ]
    assert {a["action"] for a in _audits(budget)[1:]} == {AuditAction.UPDATE}
