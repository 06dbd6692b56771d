"""The scheme's records hold the rules the database can keep."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tests.volunteers.factories import make_request, make_volunteer
from volunteers import availability
from volunteers.models import Match, MatchState

pytestmark = pytest.mark.django_db


def test_availability_overlap_counts_shared_slots() -> None:
    mondays = availability.mask_of([(0, 0), (0, 1)])
    afternoons = availability.mask_of([(d, 1) for d in range(7)])
    assert availability.overlap(mondays, afternoons) == 1
    assert availability.describe(mondays) == ["Monday morning", "Monday afternoon"]
    assert availability.mask_from_choices(availability.choices_from_mask(afternoons)) == afternoons
    with pytest.raises(ValueError):
        availability.bit(7, 0)


def test_a_request_is_for_a_family_or_a_care_leaver_not_both(alice, north) -> None:
    family = factories.make_family(team=north)
    leaver = factories.make_care_leaver(team=north)
    with pytest.raises(ValidationError) as raised:
        make_request(requested_by=alice, family=family, care_leaver=leaver)
    assert "family" in raised.value.message_dict


def test_a_request_has_only_one_live_match(alice, north) -> None:
    request = make_request(requested_by=alice, family=factories.make_family(team=north))
    first, second = make_volunteer(), make_volunteer()
    Match.objects.create(request=request, volunteer=first)
    clash = Match(request=request, volunteer=second)
    with pytest.raises(ValidationError):
        clash.full_clean()
    Match.objects.filter(volunteer=first).update(state=MatchState.DECLINED)
    clash.full_clean()


def test_a_volunteer_who_left_says_why() -> None:
    volunteer = make_volunteer()
    volunteer.left_on = volunteer.enquired_on
    with pytest.raises(ValidationError) as raised:
        volunteer.full_clean()
    assert "left_reason" in raised.value.message_dict
