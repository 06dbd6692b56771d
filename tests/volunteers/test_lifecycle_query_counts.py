"""The lifecycle's pages take the same number of queries however many matches, contacts and claims there are."""

from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from families.models import Family
from tests import factories
from tests.volunteers.lifecycle_helpers import match_at, volunteer_for
from volunteers.models import ContactKind, MatchState
from volunteers.services import contacts, expenses

pytestmark = pytest.mark.django_db


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(n: int, *, vic: User, val: User, north_family: Family) -> None:
    me = volunteer_for(val)
    for _ in range(n):
        family = factories.make_family(team=north_family.team, practitioner=north_family.allocated_practitioner)
        match = match_at(MatchState.ACTIVE, coordinator=vic, family=family, volunteer=me, started_days_ago=30)
        contacts.log_contact(
            match=match,
            by=val,
            occurred_on=timezone.localdate(),
            kind=ContactKind.FACE_TO_FACE,
            miles=Decimal(4),  # offered on the claim page, one row each
            concern="Worried",
        )
        expenses.claim_mileage(
            volunteer=me, incurred_on=timezone.localdate(), miles=Decimal(3), description="Visit", by=val
        )


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("vic", "/"),
        ("alice", "/"),
        ("vic", reverse("volunteers:match_list")),
        ("vic", reverse("volunteers:expense_queue")),
        ("val", reverse("volunteers:portal")),
        ("val", reverse("volunteers:expense_claim")),
    ],
)
def test_pages_take_flat_queries_as_matches_grow(
    who: str, url: str, vic: User, val: User, alice: User, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    volunteer_for(val, capacity=10)
    _grow(2, vic=vic, val=val, north_family=north_family)
    user = {"vic": vic, "val": val, "alice": alice}[who]
    client: Client = factories.login(Client(), user)
    small = _count(client, url)
    _grow(5, vic=vic, val=val, north_family=north_family)
    assert _count(client, url) == small
