"""Support packages: the approval chain (who is in it) and its thresholds, budget sums, payment, refusals kept with
reasons, and the pot never committed beyond its amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, Team, User
from core.models import AuditAction, AuditEvent
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
def max_(north: Team) -> User:
    """A second manager of North, the family's team: the second link of the chain above the threshold."""
    user = factories.make_user("max@example.gov.uk", full_name="Max Manager", roles=(Role.MANAGER,), teams=(north,))
    north.managers.add(user)
    return user


@pytest.fixture
def sam(south: Team) -> User:
    """South's manager: a manager, but of another team than the family's."""
    user = factories.make_user("sam@example.gov.uk", full_name="Sam South", roles=(Role.MANAGER,), teams=(south,))
    south.managers.add(user)
    return user


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


def test_thresholds_are_configurable(item, budget, fern, mo, max_, settings) -> None:
    settings.FGC_APPROVAL_THRESHOLDS = [100]
    package = support.decide(package=_ask(item, budget, fern, "200"), by=mo, approved=True)
    assert package.status == PackageStatus.REQUESTED


def test_the_requester_and_non_managers_cannot_approve(item, budget, fay, fern, alice, mo) -> None:
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


def test_the_chain_is_the_family_teams_managers_and_the_fgc_manager(item, budget, fern, mo, fay, sam) -> None:
    """A manager of another team, or of none, is not asked, cannot decide or pay, and is not shown the package."""
    teamless = factories.make_user("tess@example.gov.uk", roles=(Role.MANAGER,))
    package = _ask(item, budget, fern, "100")
    assert support.awaiting(mo) == [package] and support.awaiting(fay) == [package]
    assert support.awaiting(sam) == [] and support.awaiting(teamless) == []
    for outsider in (sam, teamless):
        with pytest.raises(ValidationError, match="Only a manager of the family's team or the FGC manager"):
            support.decide(package=package, by=outsider, approved=True)
    assert not package.approvals.exists()
    package = support.decide(package=package, by=fay, approved=True)
    with pytest.raises(ValidationError, match="mark this package paid"):
        support.mark_paid(package=package, by=sam)
    package.refresh_from_db()
    assert package.status == PackageStatus.APPROVED
    assert support.mark_paid(package=package, by=mo).status == PackageStatus.PAID


def test_each_decision_is_audited(item, budget, fern, mo, fay) -> None:
    package = _ask(item, budget, fern, "120", recurrence=Recurrence.WEEKLY, payments=5)  # £600: two approvals
    support.decide(package=package, by=mo, approved=True)
    support.decide(package=package, by=fay, approved=False, reason="The network can cover it.")
    decisions = AuditEvent.objects.filter(
        object_type="fgc.SupportPackage", object_id=str(package.pk), action=AuditAction.UPDATE
    ).order_by("pk")
    assert [e.detail for e in decisions] == [
        {"decision": "approved", "level": 1, "status": "requested"},
        {"decision": "refused", "level": 2, "status": "refused"},
    ]


def test_the_last_approval_is_refused_when_the_pot_can_no_longer_carry_it(item, budget, fern, mo, fay) -> None:
    """The pot was lowered after the request: approving would commit more than the pot holds."""
    from fgc.services import budgets

    first = _ask(item, budget, fern, "450")
    second = _ask(item, budget, fern, "400")
    budgets.change_amount(budget=budget, amount=Decimal(500), by=fay)
    assert support.decide(package=first, by=mo, approved=True).status == PackageStatus.APPROVED
    with pytest.raises(ValidationError, match=r"has £50.00 left, less than this package's £400.00"):
        support.decide(package=second, by=mo, approved=True)
    second.refresh_from_db()
    assert second.status == PackageStatus.REQUESTED and not second.approvals.exists()
    # Refusing it needs no money; raising the pot lets it be approved.
    budgets.change_amount(budget=budget, amount=Decimal(2000), by=fay)
    assert support.decide(package=second, by=mo, approved=True).status == PackageStatus.APPROVED


def test_the_approvers_are_asked_by_email_and_after_a_first_approval_the_others_are(
    item, budget, fern, mo, max_, fay, sam, alice
) -> None:
    package = _ask(item, budget, fern, "120", recurrence=Recurrence.WEEKLY, payments=5)  # £600: two approvals
    asked = OutboxMessage.objects.filter(subject__contains="awaits your decision")
    assert sorted(m.to[0] for m in asked) == sorted([mo.email, max_.email, fay.email])  # not Sam, Fern or Alice
    assert all(f"/fgc/support-packages/{package.pk}/" in m.text for m in asked)
    family = item.plan.conference.referral.family
    assert all(family.family_name not in m.text + m.subject for m in asked)
    support.decide(package=package, by=mo, approved=True)
    again = OutboxMessage.objects.filter(subject__contains="further approval")
    assert sorted(m.to[0] for m in again) == sorted([max_.email, fay.email])
    support.decide(package=package, by=max_, approved=True)
    assert OutboxMessage.objects.filter(subject__contains="further approval").count() == 2


def test_a_request_that_too_few_managers_could_approve_is_refused_with_the_reason(item, budget, fay, mo) -> None:
    # North has one manager (Mo); the FGC manager asks for £600, which needs two: only Mo is left to approve.
    with pytest.raises(ValidationError, match="approval of 2 managers other than you, and 1 manager can approve"):
        _ask(item, budget, fay, "120", recurrence=Recurrence.WEEKLY, payments=5)
    assert not SupportPackage.objects.exists()
    assert _ask(item, budget, fay, "400").status == PackageStatus.REQUESTED  # one approval: Mo can give it
