"""Support package pages: the coordinator asks, a manager decides from the list awaiting them, then marks paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from families.models import Family
from fgc.models import Budget, Conference, PackageStatus, Purpose, SupportPackage
from fgc.services import support
from tests import factories
from tests.fgc.conference_helpers import booked_conference, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(north_family: Family, alice: User, fern: User) -> Conference:
    conference = booked_conference(family=north_family, referrer=alice, coordinator=fern)
    record(conference, by=fern)
    return conference


@pytest.fixture
def budget(db: None) -> Budget:
    return Budget.objects.create(name="Family Networks pilot", financial_year=2026, amount=Decimal(5000))


def test_request_decide_and_pay_through_the_pages(client_for, held, budget, fern, mo) -> None:
    item = held.plan.items.order_by("pk").first()
    assert item is not None
    response = client_for(fern).post(
        reverse("fgc:package_request", kwargs={"pk": held.pk}),
        {
            "plan_item": item.pk,
            "purpose": "transport",
            "description": "Bus passes for Grandma Rose",
            "amount": "45.50",
            "recurrence": "monthly",
            "payments": "3",
            "budget": budget.pk,
        },
    )
    assert response.status_code == 302
    package = SupportPackage.objects.get()
    assert package.total == Decimal("136.50") and package.status == PackageStatus.REQUESTED

    manager = client_for(mo)
    listing = manager.get(reverse("fgc:package_list")).content.decode()
    assert reverse("fgc:package_decide", kwargs={"pk": package.pk}) in listing
    assert "£136.50" in listing  # awaiting approval in the pot
    refused = manager.post(reverse("fgc:package_decide", kwargs={"pk": package.pk}), {"decision": "refuse"})
    assert "Give the reason for refusing." in refused.content.decode()
    manager.post(reverse("fgc:package_decide", kwargs={"pk": package.pk}), {"decision": "approve"})
    package.refresh_from_db()
    assert package.status == PackageStatus.APPROVED
    manager.post(reverse("fgc:package_paid", kwargs={"pk": package.pk}))
    package.refresh_from_db()
    assert package.status == PackageStatus.PAID and package.paid_amount == Decimal("136.50")


def test_the_requester_sees_why_they_cannot_approve_their_own(client_for, held, budget, fay, mo) -> None:
    from fgc.services import support

    item = held.plan.items.order_by("pk").first()
    assert item is not None
    package = support.request_package(
        plan_item=item,
        by=fay,
        budget=budget,
        purpose="other",
        description="x",
        amount=Decimal(10),
    )
    page = client_for(fay).get(reverse("fgc:package_decide", kwargs={"pk": package.pk})).content.decode()
    assert "another manager must approve it" in page and "Record my decision" not in page


def test_the_awaiting_list_queries_stay_flat_as_packages_grow(
    client_for, held, budget, fern, mo, django_assert_max_num_queries
) -> None:
    from fgc.services import support

    item = held.plan.items.order_by("pk").first()
    assert item is not None
    client = client_for(mo)

    def ask(n: int) -> None:
        for _ in range(n):
            support.request_package(
                plan_item=item,
                by=fern,
                budget=budget,
                purpose="other",
                description="x",
                amount=Decimal(10),
            )

    ask(2)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("fgc:package_list"))
    ask(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("fgc:package_list"))


def test_a_team_manager_sees_on_their_home_page_how_many_packages_await_their_decision(
    fern, mo, alice, north_family
) -> None:
    as_mo, as_alice = Client(), Client()
    assert factories.sign_in(as_mo, mo).status_code == 302 and factories.sign_in(as_alice, alice).status_code == 302
    assert "awaiting your decision" not in as_mo.get("/").content.decode()
    plan = record(booked_conference(family=north_family, referrer=alice, coordinator=fern), by=fern)
    item = plan.items.first()
    assert item is not None
    budget = Budget.objects.create(name="Pilot", financial_year=2026, amount=Decimal(2000))
    package = support.request_package(
        plan_item=item,
        by=fern,
        budget=budget,
        purpose=Purpose.RESPITE,
        description="x",
        amount=Decimal(50),
    )
    home = as_mo.get("/").content.decode()
    assert "1 support package awaiting your decision" in home and "/fgc/support-packages/" in home
    assert "awaiting your decision" not in as_alice.get("/").content.decode()
    support.decide(package=package, by=mo, approved=True)
    assert "awaiting your decision" not in as_mo.get("/").content.decode()
