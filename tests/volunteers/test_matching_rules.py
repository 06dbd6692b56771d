"""The hard rules can never be broken: random volunteers and requests, checked against a plain reading of the rules.

Each example builds a small scheme in a savepoint; the reference (`allowed`) reads the
rules from the example's own description, not from the database, so a wrong query, a
wrong mask on the board or a proposal the service lets through all fail here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.models import User
from families.models import Family
from tests import factories
from tests.volunteers.factories import make_request, make_volunteer
from tests.volunteers.matching_helpers import _approved_stand_in
from volunteers.matching import assignment
from volunteers.matching.board import build_board
from volunteers.matching.eligibility import eligible_volunteers
from volunteers.models import Absence, Declaration, Match, MatchState, RequestStatus, VolunteerRole
from volunteers.services.matching import propose_match

pytestmark = pytest.mark.django_db

ROLES = [VolunteerRole.CHILD_AND_FAMILY, VolunteerRole.CARE_LEAVER_MENTOR]


@dataclass(frozen=True)
class VolunteerSpec:
    role: str | None  # approved for this role (or none)
    approved_days: int  # approved until today + this many days
    paused: bool
    left: bool
    capacity: int
    live: int
    age: int
    declared_family: int | None  # index into the example's families
    away_days: int | None  # away from today + this, for a week
    unplanned_days_ago: int | None
    locality: int


@dataclass(frozen=True)
class RequestSpec:
    role: str
    family: int
    wanted_in_days: int
    weeks: int


def mostly(usual: Any, *rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually `usual`: most volunteers pass most rules, so each rule is often the only one in the way."""
    return st.one_of(st.just(usual), st.just(usual), st.just(usual), *rare)


volunteer_specs = st.builds(
    VolunteerSpec,
    role=st.sampled_from([*ROLES, None]),
    approved_days=mostly(600, st.integers(-5, 450)),
    paused=mostly(False, st.just(True)),
    left=mostly(False, st.just(True)),
    capacity=st.integers(1, 2),
    live=mostly(0, st.integers(1, 2)),
    age=st.integers(18, 24),  # care leaver mentors: 21
    declared_family=mostly(None, st.integers(0, 2)),
    away_days=mostly(None, st.integers(-7, 14)),
    unplanned_days_ago=mostly(None, st.integers(35, 80)),  # the buffer ends at 56
    locality=st.integers(0, 2),
)
request_specs = st.builds(
    RequestSpec,
    role=st.sampled_from(ROLES),
    family=st.integers(0, 2),
    wanted_in_days=st.integers(0, 14),
    weeks=st.integers(1, 60),
)


def allowed(v: VolunteerSpec, r: RequestSpec, today: dt.date) -> bool:
    """The hard rules, read plainly."""
    wanted = today + dt.timedelta(days=r.wanted_in_days)
    end = wanted + dt.timedelta(weeks=r.weeks)
    min_age = 21 if r.role == VolunteerRole.CARE_LEAVER_MENTOR else 18
    born = birthday(today, v.age)
    old_enough = (wanted.year - born.year - ((wanted.month, wanted.day) < (born.month, born.day))) >= min_age
    away = v.away_days is not None and v.away_days <= r.wanted_in_days <= v.away_days + 6
    recent_unplanned = v.unplanned_days_ago is not None and v.unplanned_days_ago < 8 * 7
    return (
        v.role == r.role
        and today + dt.timedelta(days=v.approved_days) >= end
        and not v.paused
        and not v.left
        and v.live < v.capacity
        and old_enough
        and v.declared_family != r.family
        and not away
        and not recent_unplanned
    )


def birthday(today: dt.date, age: int) -> dt.date:
    # Born on the 10th of this month `age` years ago: old-enough edges fall inside the wanted window.
    return dt.date(today.year - age, today.month, 10)


def build(
    volunteers: list[VolunteerSpec], requests: list[RequestSpec], practitioner: User, families: list[Family]
) -> tuple[list[Any], list[Any]]:
    today = timezone.localdate()
    filler = families[0]
    made = []
    for v in volunteers:
        extra: dict[str, Any] = {}
        if v.paused:
            extra.update(paused_on=today, pause_reason="Holiday")
        if v.left:
            extra.update(left_on=today, left_reason="Moved away")
        volunteer = make_volunteer(
            capacity=v.capacity, date_of_birth=birthday(today, v.age), locality=families[v.locality].locality, **extra
        )
        if v.role is not None:
            _approved_stand_in(volunteer, v.role, until=today + dt.timedelta(days=v.approved_days))
        for _ in range(v.live):
            past = make_request(requested_by=practitioner, family=filler, status=RequestStatus.MATCHED)
            Match.objects.create(request=past, volunteer=volunteer, state=MatchState.ACTIVE, started_on=today)
        if v.unplanned_days_ago is not None:
            past = make_request(requested_by=practitioner, family=filler, status=RequestStatus.MATCHED)
            Match.objects.create(
                request=past,
                volunteer=volunteer,
                state=MatchState.ENDED,
                started_on=today - dt.timedelta(days=200),
                ended_on=today - dt.timedelta(days=v.unplanned_days_ago),
                ending_reason="volunteer_ended",
                planned_ending=False,
            )
        if v.declared_family is not None:
            Declaration.objects.create(volunteer=volunteer, family=families[v.declared_family], description="Neighbour")
        if v.away_days is not None:
            start = today + dt.timedelta(days=v.away_days)
            Absence.objects.create(volunteer=volunteer, starts_on=start, ends_on=start + dt.timedelta(days=6))
        made.append(volunteer)
    reqs = [
        make_request(
            requested_by=practitioner,
            family=families[r.family],
            role=r.role,
            wanted_from=today + dt.timedelta(days=r.wanted_in_days),
            expected_weeks=r.weeks,
        )
        for r in requests
    ]
    return made, reqs


@pytest.fixture
def scheme(north: Any, alice: User, vic: User) -> SimpleScheme:
    families = [factories.make_family(team=north, practitioner=alice) for _ in range(3)]
    return SimpleScheme(alice, vic, families)


@dataclass
class SimpleScheme:
    practitioner: User
    coordinator: User
    families: list[Family]


# No shrinking: each example is a database build; a failure still shows its example.
@settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    volunteers=st.lists(volunteer_specs, min_size=1, max_size=8),
    requests=st.lists(request_specs, min_size=1, max_size=4),
)
def test_no_proposal_ever_breaks_a_hard_rule(
    scheme: SimpleScheme, volunteers: list[VolunteerSpec], requests: list[RequestSpec]
) -> None:
    assert django_settings.KINFOLK_UNPLANNED_ENDING_BUFFER_WEEKS == 8
    today = timezone.localdate()
    with transaction.atomic():
        made, reqs = build(volunteers, requests, scheme.practitioner, scheme.families)
        index = {v.pk: i for i, v in enumerate(made)}
        # The database's rules are the rules, request by request.
        for r, req in zip(requests, reqs, strict=True):
            expected = {made[i].pk for i, v in enumerate(volunteers) if allowed(v, r, today)}
            assert set(eligible_volunteers(req).values_list("pk", flat=True)) == expected
        # The board proposes only allowed pairs, within each volunteer's room.
        board = build_board()
        by_pk = {req.pk: r for r, req in zip(requests, reqs, strict=True)}
        taken: dict[int, int] = {}
        for row, req in enumerate(board.requests):
            for v in range(len(board.cands)):
                assert (board.scores[row, v] >= 0) == allowed(
                    volunteers[index[int(board.cands.ids[v])]], by_pk[req.pk], today
                )
            if board.optimal[row] != assignment.UNMATCHED:
                pk = int(board.cands.ids[board.optimal[row]])
                taken[pk] = taken.get(pk, 0) + 1
        for pk, n in taken.items():
            spec = volunteers[index[pk]]
            assert n <= spec.capacity - spec.live
        assert board.optimal_total >= board.greedy_total
        # Accepting every proposal, one by one, goes through the service's own check and keeps the room.
        for p in board.proposals():
            if p.volunteer_id is not None:
                match = propose_match(
                    request=p.request, volunteer=made[index[p.volunteer_id]], by=scheme.coordinator, note="Board"
                )
                assert allowed(volunteers[index[p.volunteer_id]], by_pk[p.request.pk], today)
                assert sum(line["points"] for line in match.reasons) == match.score
        transaction.set_rollback(True)
