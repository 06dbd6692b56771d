"""FGC personas beyond the shared ones: fay, the FGC manager (an FGC coordinator who is also a manager).

Also an allocated referral ready for preparation, and a stand-in for the volunteer scheme's provided services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps

from accounts.models import Role, User
from families.models import Family
from fgc.models import Referral
from fgc.services import referrals
from tests import factories
from tests.fgc.factories import make_referral


@pytest.fixture
def fay(db: None) -> User:
    return factories.make_user(
        "fay@example.gov.uk", full_name="Fay Fgc-Manager", roles=(Role.FGC_COORDINATOR, Role.MANAGER)
    )


@pytest.fixture
def allocated_referral(alice: User, fay: User, fern: User, north_family: Family) -> Referral:
    """alice's referral of the north family, allocated to fern by fay: ready for preparation."""
    referral = make_referral(family=north_family, referred_by=alice)
    return referrals.allocate(referral=referral, coordinator=fern, by=fay)


@dataclass
class FakeScheme:
    """The volunteer scheme's provided services, as their contract says, remembering each request.

    `availability`: what `volunteers.ambassador_availability` answers once the volunteer has
    accepted (None until then, as for a proposal or an offer).
    """

    requests: list[dict[str, Any]] = field(default_factory=list)
    state: str = "proposed"
    availability: dict[str, Any] | None = None

    def request_fgc_ambassador(
        self,
        *,
        child_id: int,
        family_id: int,
        requested_by: User,
        needs_summary: str,
        wanted_from: dt.date,
        reference: str,
    ) -> int:
        self.requests.append(
            {
                "child_id": child_id,
                "family_id": family_id,
                "requested_by": requested_by,
                "needs_summary": needs_summary,
                "wanted_from": wanted_from,
                "reference": reference,
            }
        )
        return 9000 + len(self.requests)

    def match_summary(self, *, request_id: int) -> dict[str, str] | None:
        if request_id <= 9000 or request_id > 9000 + len(self.requests):
            return None
        return {"state": self.state, "volunteer_first_name": "Sam", "reference": f"VR-{request_id}"}

    def ambassador_availability(self, *, request_id: int) -> dict[str, Any] | None:
        if request_id <= 9000 or request_id > 9000 + len(self.requests):
            return None
        return self.availability

    def accept(self, *, slots: Sequence[tuple[int, int]], away: Sequence[tuple[dt.date, dt.date]] = ()) -> None:
        """The volunteer matched accepts: their free times become visible to the FGC."""
        self.state = "accepted"
        self.availability = {
            "volunteer_first_name": "Sam",
            "email": "sam.ambassador@example.org",
            "weekly_slots": list(slots),
            "away": list(away),
        }


@pytest.fixture
def volunteer_scheme(monkeypatch: pytest.MonkeyPatch) -> FakeScheme:
    """The volunteer scheme offering its FGC services (fgc never imports volunteers: core.registry.provided)."""
    scheme = FakeScheme()
    monkeypatch.setattr(
        apps.get_app_config("volunteers"),
        "provides",
        lambda: {
            "volunteers.request_fgc_ambassador": scheme.request_fgc_ambassador,
            "volunteers.match_summary": scheme.match_summary,
            "volunteers.ambassador_availability": scheme.ambassador_availability,
        },
    )
    return scheme


@pytest.fixture
def no_volunteer_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    """No installed app offers the FGC services: as before the volunteer scheme is merged, or if it is switched off."""
    monkeypatch.setattr(apps.get_app_config("volunteers"), "provides", dict)
