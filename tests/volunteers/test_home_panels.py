"""The home page's volunteer panels say what waits, with numbers."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import User
from families.models import Family
from tests import factories
from tests.volunteers.factories import make_request
from tests.volunteers.lifecycle_helpers import match_at, volunteer_for
from volunteers.models import MatchState

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_how_many_requests_wait(
    client_for: Any, vic: User, alice: User, north_family: Family
) -> None:
    make_request(requested_by=alice, family=north_family)
    make_request(requested_by=alice, family=north_family)
    page = client_for(vic).get("/").content.decode()
    assert "2 requests waiting for a match" in page
    assert "will appear here" not in page


def test_a_volunteer_sees_an_offer_waiting_for_them(
    client_for: Any, val: User, vic: User, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)  # an offer names a family: a second factor is required
    match_at(MatchState.OFFERED, coordinator=vic, family=north_family, volunteer=volunteer_for(val))
    response = client_for(val).get("/")
    assert response.status_code == 200, response.get("Location")
    page = response.content.decode()
    assert "1 offer waiting for your answer." in page
    assert "Open My volunteering" in page
