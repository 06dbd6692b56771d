"""What the volunteer scheme offers the FGC app by name: an FGC Ambassador request and how its match stands."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core import registry
from volunteers.models import Match, MatchState, RequestStatus, VolunteerRequest, VolunteerRole

pytestmark = pytest.mark.django_db


def test_an_fgc_asks_for_an_ambassador_by_name_and_sees_the_match(alice, north_family) -> None:
    ask = registry.provided("volunteers.request_fgc_ambassador")
    summary = registry.provided("volunteers.match_summary")
    assert ask is not None and summary is not None
    child = north_family.children.first()
    request_id = ask(
        child_id=child.pk,
        family_id=north_family.pk,
        requested_by=alice,
        needs_summary="A girl of 9 in the north; shy, likes drawing.",
        wanted_from=timezone.localdate(),
        reference="FGC-00007",
    )
    request = VolunteerRequest.objects.get(pk=request_id)
    assert request.role == VolunteerRole.FGC and request.child == child and request.status == RequestStatus.OPEN
    assert "FGC-00007" in request.goals
    assert summary(request_id=request_id)["state"] == "Waiting for a match"


def test_a_child_of_another_family_is_refused(alice, north_family, south_family) -> None:
    ask = registry.provided("volunteers.request_fgc_ambassador")
    assert ask is not None
    with pytest.raises(Exception):  # noqa: B017  (the child is not found in that family)
        ask(
            child_id=south_family.children.first().pk,
            family_id=north_family.pk,
            requested_by=alice,
            needs_summary="x",
            wanted_from=timezone.localdate(),
            reference="FGC-00008",
        )
    assert not VolunteerRequest.objects.exists()


def test_the_summary_names_only_a_live_matchs_volunteer(alice, north_family) -> None:
    from tests.volunteers.factories import make_request, make_volunteer

    request = make_request(requested_by=alice, family=north_family)
    match = Match.objects.create(request=request, volunteer=make_volunteer(first_name="Rosa"), state=MatchState.ACTIVE)
    summary = registry.provided("volunteers.match_summary")
    assert summary is not None
    assert summary(request_id=request.pk)["volunteer_first_name"] == "Rosa"
    Match.objects.filter(pk=match.pk).update(state=MatchState.ENDED, ending_reason="goals_met")
    assert summary(request_id=request.pk)["volunteer_first_name"] == ""
    assert summary(request_id=10**6) is None


def test_the_ambassadors_free_times_show_only_once_they_accept_and_say_nothing_else(alice, vic, north_family) -> None:
    import datetime as dt

    from tests.volunteers.factories import make_request, make_volunteer
    from tests.volunteers.lifecycle_helpers import match_at
    from volunteers import availability
    from volunteers.models import Absence

    free = availability.mask_of([(0, 2), (5, 0)])
    rosa = make_volunteer(first_name="Rosa", last_name="Private", phone="07700 900999", availability=free)
    today = timezone.localdate()
    Absence.objects.create(volunteer=rosa, starts_on=today - dt.timedelta(days=9), ends_on=today - dt.timedelta(days=2))
    Absence.objects.create(
        volunteer=rosa, starts_on=today + dt.timedelta(days=3), ends_on=today + dt.timedelta(days=5), note="Surgery"
    )
    request = make_request(requested_by=alice, family=north_family, role=VolunteerRole.FGC)
    times = registry.provided("volunteers.ambassador_availability")
    assert times is not None
    match = match_at(MatchState.OFFERED, coordinator=vic, request=request, volunteer=rosa)
    assert times(request_id=request.pk) is None  # offered, not yet accepted
    Match.objects.filter(pk=match.pk).update(state=MatchState.ACCEPTED)
    found = times(request_id=request.pk)
    assert found == {
        "volunteer_first_name": "Rosa",
        "email": rosa.email,
        "weekly_slots": [(0, 2), (5, 0)],
        "away": [(today + dt.timedelta(days=3), today + dt.timedelta(days=5))],
    }
    assert "Private" not in str(found) and "Surgery" not in str(found) and "07700" not in str(found)
    # Another role's request is not the FGC's to ask about.
    other = make_request(requested_by=alice, family=north_family)
    Match.objects.create(request=other, volunteer=make_volunteer(), state=MatchState.ACTIVE)
    assert times(request_id=other.pk) is None
