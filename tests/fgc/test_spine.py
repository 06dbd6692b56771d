"""The FGC records keep the rules the database can keep, and the network is on a need-to-know basis."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fgc.models import ReferralStatus
from fgc.permissions import referrals_visible_to, sees_network
from tests import factories
from tests.fgc.factories import make_referral

pytestmark = pytest.mark.django_db


def test_a_declined_referral_says_why(alice, north) -> None:
    referral = make_referral(family=factories.make_family(team=north, practitioner=alice), referred_by=alice)
    referral.status = ReferralStatus.DECLINED
    with pytest.raises(ValidationError) as raised:
        referral.full_clean()
    assert "decline_reason" in raised.value.message_dict
    assert referral.reference.startswith("FGC-")


def test_the_referrer_sees_the_network_and_another_team_sees_nothing(alice, bob, fern, north) -> None:
    referral = make_referral(family=factories.make_family(team=north, practitioner=alice), referred_by=alice)
    assert list(referrals_visible_to(alice)) == [referral]
    assert sees_network(alice, referral)
    assert not referrals_visible_to(bob).exists()
    assert not referrals_visible_to(fern).exists()
    assert not sees_network(fern, referral)
