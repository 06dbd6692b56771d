"""Issue 10 §9: the family network's details are seen only by the allocated coordinator, the FGC manager and
the referrer, and every view of them is audited.

Every page that shows the network (its people, the children's views, invitation letters, who took part, the
plan) is visited by each of the three, who get it and leave an audit row; and by the family's team manager,
a practitioner of another team and an FGC coordinator the referral is not allocated to, who get 403 or 404,
never a name, and leave no row of having read it. (tests/fgc/access_matrix.py pins each exact status code;
the FGC manager and the other coordinator are not personas there.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from core.models import AuditAction, AuditEvent
from families.models import Family
from fgc.services import referrals
from tests import factories
from tests.fgc.booking_helpers import coordinator
from tests.fgc.conference_helpers import add_member, booked_conference, record
from tests.fgc.factories import make_referral

pytestmark = pytest.mark.django_db

BOOKED_NAME = "Grace Gran"  # in the booked conference's network
HELD_NAME = "Grandma Rose"  # in the held conference's network and plan (conference_helpers.record)


@dataclass(frozen=True)
class NetworkPage:
    name: str
    kwargs: Callable[[SimpleNamespace], dict[str, int]]
    secret: str
    referrer_reads: bool  # the referrer reads it; otherwise only the coordinator and the FGC manager use it


def _booked(w: SimpleNamespace) -> dict[str, int]:
    return {"pk": w.booked.referral_id}


def _booked_conference(w: SimpleNamespace) -> dict[str, int]:
    return {"pk": w.booked.pk}


def _held_conference(w: SimpleNamespace) -> dict[str, int]:
    return {"pk": w.held.pk}


PAGES = [
    NetworkPage("fgc:preparation", _booked, BOOKED_NAME, referrer_reads=True),
    NetworkPage("fgc:network_add", _booked, "", referrer_reads=False),
    NetworkPage("fgc:network_change", lambda w: {**_booked(w), "member_pk": w.member.pk}, BOOKED_NAME, False),
    NetworkPage("fgc:network_remove", lambda w: {**_booked(w), "member_pk": w.member.pk}, BOOKED_NAME, False),
    NetworkPage("fgc:visit_add", _booked, BOOKED_NAME, referrer_reads=False),
    NetworkPage("fgc:child_voice", lambda w: {**_booked(w), "child_pk": w.child.pk}, "", referrer_reads=False),
    NetworkPage("fgc:no_new_news", _booked, "", referrer_reads=False),
    NetworkPage("fgc:booking", _booked, BOOKED_NAME, referrer_reads=False),
    NetworkPage("fgc:booking_cancel", _booked, "", referrer_reads=False),
    NetworkPage("fgc:invitation_letter", lambda w: {**_booked(w), "member_pk": w.member.pk}, "", True),
    NetworkPage("fgc:conference_detail", _booked_conference, "", referrer_reads=True),
    NetworkPage("fgc:conference_record", _booked_conference, BOOKED_NAME, referrer_reads=False),
    NetworkPage("fgc:conference_detail", _held_conference, HELD_NAME, referrer_reads=True),
    NetworkPage("fgc:plan_pdf", _held_conference, "", referrer_reads=True),
    NetworkPage("fgc:plan_letters", _held_conference, "", referrer_reads=False),
    NetworkPage("fgc:review_record", _held_conference, HELD_NAME, referrer_reads=False),
    NetworkPage("fgc:outcome_record", _held_conference, "", referrer_reads=False),
    NetworkPage("fgc:package_request", _held_conference, HELD_NAME, referrer_reads=False),
]


@pytest.fixture
def world(north_family: Family, alice: User, fern: User, fay: User, mo: User, bob: User) -> SimpleNamespace:
    """A booked conference (with a person to get a letter) and a held one with its plan, both alice's, fern's."""
    booked = booked_conference(family=north_family, referrer=alice, coordinator=fern)
    member = add_member(booked.referral, name=BOOKED_NAME)
    held = booked_conference(family=north_family, referrer=alice, coordinator=fern, days_ago=7)
    plan = record(held, by=fern)
    plan.pdf.save("access-plan.pdf", ContentFile(b"%PDF-1.4 access"), save=False)
    plan.letters_pdf.save("access-letters.pdf", ContentFile(b"%PDF-1.4 access"), save=False)
    plan.save()
    return SimpleNamespace(
        booked=booked,
        held=held,
        member=member,
        child=north_family.children.first(),
        users={
            "coordinator": fern,
            "fgc_manager": fay,
            "referrer": alice,
            "team_manager": mo,
            "other_team": bob,
            "other_coordinator": coordinator("colin@example.gov.uk"),
        },
    )


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return str(response.content.decode(errors="replace"))


def _views_by(user: User) -> int:
    return AuditEvent.objects.filter(actor_id=user.pk, action__in=[AuditAction.VIEW, AuditAction.DOWNLOAD]).count()


@pytest.mark.parametrize("network_page", PAGES, ids=[f"{p.name}-{n}" for n, p in enumerate(PAGES)])
def test_only_the_coordinator_the_fgc_manager_and_the_referrer_see_the_network_and_each_look_is_audited(
    network_page: NetworkPage, world: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    url = reverse(network_page.name, kwargs=network_page.kwargs(world))
    allowed = {"coordinator", "fgc_manager"} | ({"referrer"} if network_page.referrer_reads else set())
    for role, user in world.users.items():
        client = client_for(user)
        before = _views_by(user)
        response = client.get(url)
        body = _body(response)
        if role in allowed:
            assert response.status_code == 200, (role, response.status_code)
            if network_page.secret:
                assert network_page.secret in body, role
            assert _views_by(user) == before + 1, f"{role}'s look at {url} was not audited"
        else:
            assert response.status_code in (403, 404), (role, response.status_code)
            assert not network_page.secret or network_page.secret not in body, role
            assert _views_by(user) == before, f"{role} was refused {url} but recorded as reading it"


def test_a_coordinator_who_hands_the_referral_on_no_longer_sees_its_network(
    north_family: Family, alice: User, fern: User, fay: User, client_for: Callable[[User], Client]
) -> None:
    referral = referrals.allocate(
        referral=make_referral(family=north_family, referred_by=alice), coordinator=fern, by=fay
    )
    add_member(referral, name=BOOKED_NAME)
    url = reverse("fgc:preparation", kwargs={"pk": referral.pk})
    assert BOOKED_NAME in client_for(fern).get(url).content.decode()
    colin = coordinator("colin@example.gov.uk")
    referrals.allocate(referral=referral, coordinator=colin, by=fay)
    assert client_for(fern).get(url).status_code == 404
    assert BOOKED_NAME in client_for(colin).get(url).content.decode()


def test_a_manager_who_is_not_an_fgc_coordinator_is_not_the_fgc_manager(
    allocated_referral: Any, client_for: Callable[[User], Client]
) -> None:
    """The FGC manager is a manager who is also an FGC coordinator; another team's manager sees nothing."""
    other_manager = factories.make_user(
        "max@example.gov.uk", full_name="Max Manager", roles=(Role.MANAGER,), teams=(factories.make_team(),)
    )
    add_member(allocated_referral, name=BOOKED_NAME)
    response = client_for(other_manager).get(reverse("fgc:preparation", kwargs={"pk": allocated_referral.pk}))
    assert response.status_code == 404 and BOOKED_NAME not in response.content.decode()
