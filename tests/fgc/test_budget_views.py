"""The FGC manager's Budgets page: the pots with their sums, adding one, changing its amount; links to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import AuditAction, AuditEvent
from families.models import Family
from fgc.models import Budget, PlanItem, Purpose
from fgc.services import budgets, support
from tests.fgc.conference_helpers import booked_conference, record

pytestmark = pytest.mark.django_db

LIST = reverse("fgc:budget_list")


@pytest.fixture
def item(north_family: Family, alice: User, fern: User) -> PlanItem:
    plan = record(booked_conference(family=north_family, referrer=alice, coordinator=fern), by=fern)
    return plan.items.order_by("pk").first()  # type: ignore[return-value]


@pytest.fixture
def pot(item: PlanItem, fern: User, mo: User, fay: User) -> Budget:
    """£2,000 in 2026 to 2027: £300 approved, £350 paid (of £400 approved), £200 awaiting approval."""
    budget = budgets.add_budget(name="Family Networks pilot", financial_year=2026, amount=Decimal(2000), by=fay)

    def ask(amount: str) -> Any:
        return support.request_package(
            plan_item=item, by=fern, budget=budget, purpose=Purpose.RESPITE, description="x", amount=Decimal(amount)
        )

    support.decide(package=ask("300"), by=mo, approved=True)
    support.mark_paid(package=support.decide(package=ask("400"), by=mo, approved=True), by=mo, amount=Decimal(350))
    ask("200")
    return budget


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _year(budget: Budget) -> str:
    return str(budgets.financial_year_label(budget.financial_year))


def test_the_fgc_manager_sees_each_pot_with_what_is_approved_paid_awaiting_and_remaining(
    pot: Budget, fay: User, client_for: Callable[[User], Client]
) -> None:
    page = _text(client_for(fay).get(LIST).content.decode())
    # year, name, amount, approved (not yet paid), paid, awaiting, remaining
    assert "2026 to 2027 Family Networks pilot £2,000.00 £300.00 £350.00 £200.00 £1,350.00 Change amount" in page


def test_the_fgc_manager_adds_a_pot_for_a_financial_year(fay: User, client_for: Callable[[User], Client]) -> None:
    year = budgets.financial_years()[1]
    client = client_for(fay)
    response = client.post(LIST, {"name": "Family Networks pilot", "financial_year": year, "amount": "25000"})
    assert response.status_code == 302 and response["Location"] == LIST
    budget = Budget.objects.get()
    assert (budget.financial_year, budget.amount) == (year, Decimal(25000))
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="fgc.Budget", actor_id=fay.pk).exists()
    page = _text(client.get(LIST).content.decode())
    assert f"Family Networks pilot for {budgets.financial_year_label(year)} added: £25,000.00." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Pilot", "amount": "100"}, "Select the financial year."),
        ({"name": "Pilot", "financial_year": "1999", "amount": "100"}, "Select the financial year."),
        ({"name": "", "financial_year": "YEAR", "amount": "100"}, "Enter the name of the budget."),
        ({"name": "Pilot", "financial_year": "YEAR", "amount": ""}, "Enter the amount."),
        ({"name": "Pilot", "financial_year": "YEAR", "amount": "lots"}, "Enter the amount in pounds, like 25000"),
        ({"name": "Pilot", "financial_year": "YEAR", "amount": "-5"}, "The amount cannot be less than £0."),
        ({"name": "Pilot", "financial_year": "YEAR", "amount": "10.555"}, "no more than 2 digits after the point"),
    ],
)
def test_bad_input_gets_a_clear_error_and_adds_nothing(
    data: dict[str, str], message: str, fay: User, client_for: Callable[[User], Client]
) -> None:
    year = str(budgets.financial_years()[1])
    response = client_for(fay).post(LIST, {k: v.replace("YEAR", year) for k, v in data.items()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body and body.count(message) == 2  # summary and field
    assert "<title>Error: " in body
    assert not Budget.objects.exists()


def test_a_second_pot_of_the_same_name_and_year_is_refused_on_the_year(
    fay: User, client_for: Callable[[User], Client]
) -> None:
    year = budgets.financial_years()[1]
    pot = budgets.add_budget(name="Family Networks pilot", financial_year=year, amount=Decimal(1), by=fay)
    response = client_for(fay).post(LIST, {"name": "Family Networks pilot", "financial_year": year, "amount": "5"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"There is already a budget called Family Networks pilot for {_year(pot)}." in body
    assert 'href="#id_financial_year' in body  # the summary links to the year
    assert Budget.objects.get() == pot


def test_the_fgc_manager_changes_a_pots_amount(pot: Budget, fay: User, client_for: Callable[[User], Client]) -> None:
    url = reverse("fgc:budget_change", kwargs={"pk": pot.pk})
    client = client_for(fay)
    form = _text(client.get(url).content.decode())
    assert "It cannot be less than £650.00, which is already approved or paid." in form
    response = client.post(url, {"amount": "1500"})
    assert response.status_code == 302 and response["Location"] == LIST
    pot.refresh_from_db()
    assert pot.amount == Decimal(1500)
    change = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="fgc.Budget", actor_id=fay.pk).get()
    assert change.detail["amount"] == {"from": "2000.00", "to": "1500.00"}


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("649.99", "The amount cannot be less than £650.00, which is already approved or paid from it."),
        ("", "Enter the amount."),
        ("£1,000", "Enter the amount in pounds, like 25000"),
    ],
)
def test_an_amount_below_what_is_approved_and_paid_or_not_an_amount_changes_nothing(
    amount: str, message: str, pot: Budget, fay: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(fay).post(reverse("fgc:budget_change", kwargs={"pk": pot.pk}), {"amount": amount})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body and body.count(message) == 2
    pot.refresh_from_db()
    assert pot.amount == Decimal(2000)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="fgc.Budget").exists()


def test_nobody_but_the_fgc_manager_reaches_the_budgets(
    pot: Budget, alice: User, mo: User, fern: User, ada: User, client_for: Callable[[User], Client]
) -> None:
    """A team manager approves packages, the coordinator requests them: neither sets the pots."""
    change = reverse("fgc:budget_change", kwargs={"pk": pot.pk})
    for user in (alice, mo, fern, ada):
        client = client_for(user)
        assert client.get(LIST).status_code == 404
        assert (
            client.post(LIST, {"name": "X", "financial_year": budgets.financial_years()[1], "amount": "1"}).status_code
            == 404
        )
        assert client.post(change, {"amount": "99999"}).status_code == 404
    assert Budget.objects.count() == 1
    pot.refresh_from_db()
    assert pot.amount == Decimal(2000)


def test_the_budgets_are_linked_for_the_fgc_manager_only(
    pot: Budget, mo: User, fay: User, client_for: Callable[[User], Client]
) -> None:
    link = f'href="{LIST}"'
    as_fay, as_mo = client_for(fay), client_for(mo)
    assert link in as_fay.get(reverse("core:home")).content.decode()  # the FGC manager's home panel
    assert link in as_fay.get(reverse("fgc:referral_list")).content.decode()
    assert link in as_fay.get(reverse("fgc:package_list")).content.decode()
    assert link not in as_mo.get(reverse("fgc:package_list")).content.decode()
    # Both approve support packages, so both have them in the navigation.
    packages = f'href="{reverse("fgc:package_list")}"'
    assert packages in as_mo.get(reverse("core:home")).content.decode()


def test_the_budgets_page_queries_stay_flat_as_pots_grow(
    pot: Budget, fay: User, client_for: Callable[[User], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_for(fay)
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    for year in range(2010, 2020):
        budgets.add_budget(name="Older pot", financial_year=year, amount=Decimal(100), by=fay)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST).content.decode()
    assert page.count("Change amount<") == 11
