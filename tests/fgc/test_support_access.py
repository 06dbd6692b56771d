"""Support packages are need-to-know: only the managers in a package's approval chain see it.

The chain (fgc.permissions.packages_visible_to) is the managers of the family's team and the
FGC manager. They see what the decision needs, the part of the plan included, and each look
is audited. Everyone else — a manager of another team (sam) or of none (tess), the
coordinator who asked, the referrer, every other persona — gets 404 from the package's
pages, never its plan text, no audit row of reading it, and no line for it in a list.
(tests/fgc/access_matrix.py pins the shared personas' status codes; fay, sam and tess are
not personas there.)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, Team, User
from core.models import AuditAction, AuditEvent
from families.models import Family
from fgc.models import Budget, PackageStatus, PlanItem, SupportPackage
from fgc.services import support
from fgc.services.conference import ItemSpec
from tests import factories
from tests.fgc.conference_helpers import booked_conference, record

pytestmark = pytest.mark.django_db

NORTH_ITEM = "Grandma Rose collects the children from school every weekday"  # conference_helpers.record
SOUTH_ITEM = "Uncle Ken drives the children to school"
CHAIN = {"mo", "fay"}  # North's manager and the FGC manager
PERSONAS = ("alice", "bob", "mo", "gina", "vic", "fern", "ada", "val", "olly", "fay", "sam", "tess")


@pytest.fixture
def world(
    north_family: Family,
    south_family: Family,
    south: Team,
    alice: User,
    bob: User,
    mo: User,
    gina: User,
    vic: User,
    fern: User,
    ada: User,
    val: User,
    olly: User,
    fay: User,
) -> SimpleNamespace:
    """A package for the north family's plan (awaiting a decision) and one for the south family's (approved)."""
    sam = factories.make_user("sam@example.gov.uk", full_name="Sam South", roles=(Role.MANAGER,), teams=(south,))
    south.managers.add(sam)
    tess = factories.make_user("tess@example.gov.uk", full_name="Tess Teamless", roles=(Role.MANAGER,))
    budget = Budget.objects.create(name="Family Networks pilot", financial_year=2026, amount=Decimal(5000))
    north_plan = record(booked_conference(family=north_family, referrer=alice, coordinator=fern), by=fern)
    south_plan = record(
        booked_conference(family=south_family, referrer=bob, coordinator=fern),
        by=fern,
        items=[ItemSpec(SOUTH_ITEM, "Uncle Ken")],
    )

    def ask(plan_item: PlanItem, description: str) -> SupportPackage:
        return support.request_package(
            plan_item=plan_item,
            by=fern,
            budget=budget,
            purpose="transport",
            description=description,
            amount=Decimal(90),
        )

    north = ask(north_plan.items.get(what=NORTH_ITEM), "Bus passes for the school run")
    south_package = support.decide(package=ask(south_plan.items.get(), "Petrol for Uncle Ken"), by=sam, approved=True)
    people = (alice, bob, mo, gina, vic, fern, ada, val, olly, fay, sam, tess)
    return SimpleNamespace(north=north, south=south_package, users=dict(zip(PERSONAS, people, strict=True)))


def _views_of(user: User, package: SupportPackage) -> int:
    return AuditEvent.objects.filter(
        actor_id=user.pk, action=AuditAction.VIEW, object_type="fgc.SupportPackage", object_id=str(package.pk)
    ).count()


def test_only_the_chain_opens_the_decision_page_and_each_look_is_audited(
    world: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    url = reverse("fgc:package_decide", kwargs={"pk": world.north.pk})
    for name, user in world.users.items():
        before = _views_of(user, world.north)
        response = client_for(user).get(url)
        body = response.content.decode()
        if name in CHAIN:
            assert response.status_code == 200, name
            assert NORTH_ITEM in body and "Bus passes for the school run" in body and "£90.00" in body, name
            assert "Record my decision" in body, name
            assert _views_of(user, world.north) == before + 1, f"{name}'s look was not audited"
        else:
            assert response.status_code == 404, (name, response.status_code)
            assert NORTH_ITEM not in body and "Bus passes" not in body, name
            assert _views_of(user, world.north) == before, f"{name} was refused but recorded as reading it"


def test_the_list_shows_each_manager_their_chains_packages_only(
    world: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    north_ref = world.north.plan_item.plan.conference.referral.reference
    south_ref = world.south.plan_item.plan.conference.referral.reference
    decide_north = reverse("fgc:package_decide", kwargs={"pk": world.north.pk})
    pay_south = reverse("fgc:package_paid", kwargs={"pk": world.south.pk})
    sees = {"mo": {north_ref}, "fay": {north_ref, south_ref}, "sam": {south_ref}, "tess": set()}
    for name, user in world.users.items():
        response = client_for(user).get(reverse("fgc:package_list"))
        if name not in sees:
            assert response.status_code == 404, (name, response.status_code)
            continue
        body = response.content.decode()
        assert response.status_code == 200, name
        assert {ref for ref in (north_ref, south_ref) if ref in body} == sees[name], name
        assert (decide_north in body) == (north_ref in sees[name]), name
        assert (pay_south in body) == (south_ref in sees[name]), name
        listed = AuditEvent.objects.filter(actor_id=user.pk, action=AuditAction.VIEW).latest("pk")
        expected = [
            p.pk for p in (world.north, world.south) if p.plan_item.plan.conference.referral.reference in sees[name]
        ]
        assert listed.detail["packages"] == sorted(expected), name


def test_a_manager_outside_the_chain_can_neither_decide_nor_pay(
    world: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    sam, tess = world.users["sam"], world.users["tess"]
    for outsider in (sam, tess):
        client = client_for(outsider)
        decided = client.post(reverse("fgc:package_decide", kwargs={"pk": world.north.pk}), {"decision": "approve"})
        assert decided.status_code == 404
    assert (
        client_for(world.users["mo"]).post(reverse("fgc:package_paid", kwargs={"pk": world.south.pk})).status_code
        == 404
    )
    world.north.refresh_from_db()
    world.south.refresh_from_db()
    assert world.north.status == PackageStatus.REQUESTED and not world.north.approvals.exists()
    assert world.south.status == PackageStatus.APPROVED


def test_the_chain_decides_and_pays_through_the_pages(
    world: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    mo = client_for(world.users["mo"])
    mo.post(reverse("fgc:package_decide", kwargs={"pk": world.north.pk}), {"decision": "approve"})
    client_for(world.users["sam"]).post(reverse("fgc:package_paid", kwargs={"pk": world.south.pk}))
    world.north.refresh_from_db()
    world.south.refresh_from_db()
    assert world.north.status == PackageStatus.APPROVED and world.south.status == PackageStatus.PAID


def test_a_manager_belonging_to_the_team_or_managing_it_is_in_the_chain_either_way(world: SimpleNamespace) -> None:
    from fgc.permissions import packages_visible_to

    team = world.north.plan_item.plan.conference.referral.family.team
    member = factories.make_user("member@example.gov.uk", full_name="Meg Member", roles=(Role.MANAGER,), teams=(team,))
    managing = factories.make_user("managing@example.gov.uk", full_name="Max Managing", roles=(Role.MANAGER,))
    team.managers.add(managing)
    assert not managing.teams.exists() and not member.managed_teams.exists()
    for user in (member, managing):
        assert list(packages_visible_to(user)) == [world.north]
