"""Support packages: the approval chain and its thresholds, budget sums, payment, and refusals kept with reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from families.models import Family
from fgc.models import Budget, PackageStatus, PlanItem, Purpose, Recurrence, SupportPackage
from fgc.services import support
from outbox.models import OutboxMessage
from tests import factories
from tests.fgc.conference_helpers import booked_conference, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(north_family: Family, alice: User, fern: User) -> PlanItem:
    plan = record(booked_conference(family=north_family, referrer=alice, coordinator=fern), by=fern)
    return plan.items.order_by("pk").first()  # type: ignore[return-value]


@pytest.fixture
def budget(db: None) -> Budget:
    return Budget.objects.create(name="Family Networks pilot", financial_year=2026, amount=Decimal(2000))


@pytest.fixture
def max_(db: None) -> User:
    return factories.make_user("max@example.gov.uk", full_name="Max Manager", roles=(Role.MANAGER,))


def _ask(item: PlanItem, budget: Budget, by: User, amount: str, **extra: Any) -> SupportPackage:
    fields: dict[str, Any] = {
        "purpose": Purpose.RESPITE,
        "description": "Weekend respite",
        "amount": Decimal(amount),
    }
    fields.update(extra)
    return support.request_package(plan_item=item, by=by, budget=budget, **fields)


def test_up_to_the_threshold_one_manager_approves(item, budget, fern, mo) -> None:
    package = _ask(item, budget, fern, "500")
    package = support.decide(package=package, by=mo, approved=True)
    assert package.status == PackageStatus.APPROVED
    told = OutboxMessage.objects.get(to=[fern.email], subject__contains="approved")
    assert f"/fgc/conferences/{item.plan.conference_id}/" in told.text


def test_above_the_threshold_a_second_different_manager_approves(item, budget, fern, mo, max_) -> None:
    package = _ask(item, budget, fern, "120", recurrence=Recurrence.WEEKLY, payments=5)  # £600
    package = support.decide(package=package, by=mo, approved=True)
    assert package.status == PackageStatus.REQUESTED
    with pytest.raises(ValidationError, match="already approved"):
        support.decide(package=package, by=mo, approved=True)
    assert support.awaiting(mo) == [] and support.awaiting(max_) == [package]
    package = support.decide(package=package, by=max_, approved=True)
    assert package.status == PackageStatus.APPROVED
    assert [s.approver for s in package.approvals.all()] == [mo, max_]


def test_thresholds_are_configurable(item, budget, fern, mo, settings) -> None:
    settings.FGC_APPROVAL_THRESHOLDS = [100]
    package = support.decide(package=_ask(item, budget, fern, "200"), by=mo, approved=True)
    assert package.status == PackageStatus.REQUESTED


def test_the_requester_and_non_managers_cannot_approve(item, budget, fay, fern, alice) -> None:
    package = _ask(item, budget, fay, "50")
    with pytest.raises(ValidationError, match="another manager"):
        support.decide(package=package, by=fay, approved=True)
    with pytest.raises(ValidationError, match="Only a manager"):
        support.decide(package=package, by=alice, approved=True)


def test_a_refusal_needs_a_reason_and_is_kept(item, budget, fern, mo) -> None:
    package = _ask(item, budget, fern, "50")
    with pytest.raises(ValidationError):
        support.decide(package=package, by=mo, approved=False)
    package = support.decide(package=package, by=mo, approved=False, reason="The network can cover this.")
    package.refresh_from_db()
    assert package.status == PackageStatus.REFUSED
    assert package.approvals.get().reason == "The network can cover this."


def test_the_pot_sums_awaiting_committed_and_spent_and_refuses_overspend(item, budget, fern, mo) -> None:
    waiting = _ask(item, budget, fern, "100")
    approved = support.decide(package=_ask(item, budget, fern, "300"), by=mo, approved=True)
    paid = support.decide(package=_ask(item, budget, fern, "400"), by=mo, approved=True)
    support.mark_paid(package=paid, by=mo, amount=Decimal("380"))
    support.decide(package=_ask(item, budget, fern, "50"), by=mo, approved=False, reason="No")
    pot: Any = support.budgets_with_sums().get(pk=budget.pk)
    assert (pot.awaiting, pot.committed, pot.spent, pot.left) == (
        Decimal(100),
        Decimal(300),
        Decimal(380),
        Decimal(2000 - 300 - 380),
    )
    with pytest.raises(ValidationError) as exc:
        _ask(item, budget, fern, "1300")
    assert "amount" in exc.value.message_dict
    assert waiting.status == PackageStatus.REQUESTED and approved.status == PackageStatus.APPROVED


def test_only_an_approved_package_is_paid(item, budget, fern, mo) -> None:
    package = _ask(item, budget, fern, "100")
    with pytest.raises(ValidationError):
        support.mark_paid(package=package, by=mo)
    package = support.mark_paid(package=support.decide(package=package, by=mo, approved=True), by=mo)
    assert package.status == PackageStatus.PAID and package.paid_amount == Decimal(100)
