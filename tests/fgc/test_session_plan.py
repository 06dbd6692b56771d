"""The rule that plans a child's preparation sessions backwards from the conference in the ambassador's free times."""

from __future__ import annotations

import datetime as dt
from itertools import combinations, pairwise

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.localtime import LONDON, local_datetime
from diary.workdays import is_bank_holiday, previous_working_day
from fgc.services.session_plan import Availability, open_slots, plan_sessions, problems_with

MORNING, AFTERNOON, EVENING = 0, 1, 2
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
EVERY_EVENING = frozenset((day, EVENING) for day in range(7))


def ambassador(slots: frozenset[tuple[int, int]] = EVERY_EVENING, away=()) -> Availability:
    return Availability(first_name="Sam", email="sam@example.org", weekly_slots=slots, away=tuple(away))


def days_of(plan) -> list[dt.date]:
    return [slot.day for slot in plan.slots]


def test_three_sessions_a_week_apart_the_last_the_working_day_before_the_conference() -> None:
    plan = plan_sessions(availability=ambassador(), conference_day=dt.date(2027, 6, 17), today=dt.date(2027, 5, 20))
    assert days_of(plan) == [dt.date(2027, 6, 2), dt.date(2027, 6, 9), dt.date(2027, 6, 16)]
    assert plan.starts[-1] == local_datetime(dt.date(2027, 6, 16), dt.time(18, 0))
    assert plan.problem == ""


def test_the_sessions_fall_in_the_ambassadors_weekly_slots_only() -> None:
    tuesday_afternoons = frozenset({(TUE, AFTERNOON)})
    plan = plan_sessions(
        availability=ambassador(tuesday_afternoons), conference_day=dt.date(2027, 6, 17), today=dt.date(2027, 5, 20)
    )
    assert days_of(plan) == [dt.date(2027, 6, 1), dt.date(2027, 6, 8), dt.date(2027, 6, 15)]
    assert {start.astimezone(LONDON).time() for start in plan.starts} == {dt.time(16, 0)}


def test_no_session_falls_on_a_date_the_ambassador_is_away() -> None:
    away = [(dt.date(2027, 6, 7), dt.date(2027, 6, 11))]
    plan = plan_sessions(
        availability=ambassador(away=away), conference_day=dt.date(2027, 6, 17), today=dt.date(2027, 5, 20)
    )
    assert days_of(plan) == [dt.date(2027, 5, 30), dt.date(2027, 6, 6), dt.date(2027, 6, 16)]


def test_a_bank_holiday_is_skipped() -> None:
    # Mondays only; Monday 3 May 2027 is the Early May bank holiday.
    plan = plan_sessions(
        availability=ambassador(frozenset({(MON, EVENING)})),
        conference_day=dt.date(2027, 5, 12),
        today=dt.date(2027, 4, 20),
    )
    assert days_of(plan) == [dt.date(2027, 4, 26), dt.date(2027, 5, 10)]
    assert plan.problem == ""  # two fit, and two are enough


def test_the_last_session_is_a_working_day_before_the_conference_not_the_weekend_or_a_bank_holiday() -> None:
    # Conference on Tuesday 1 June 2027, after the Spring bank holiday: the last session is Friday 28 May.
    plan = plan_sessions(availability=ambassador(), conference_day=dt.date(2027, 6, 1), today=dt.date(2027, 5, 1))
    assert plan.last_day == dt.date(2027, 5, 28)
    assert days_of(plan)[-1] == dt.date(2027, 5, 28)


def test_nothing_is_planned_in_the_past_and_a_near_conference_brings_the_sessions_closer() -> None:
    plan = plan_sessions(availability=ambassador(), conference_day=dt.date(2027, 6, 17), today=dt.date(2027, 6, 10))
    assert days_of(plan) == [dt.date(2027, 6, 12), dt.date(2027, 6, 14), dt.date(2027, 6, 16)]


def test_fewer_than_two_possible_sessions_are_explained_clearly() -> None:
    saturday_mornings = frozenset({(SAT, MORNING)})
    plan = plan_sessions(
        availability=ambassador(saturday_mornings), conference_day=dt.date(2027, 6, 17), today=dt.date(2027, 6, 8)
    )
    assert days_of(plan) == [dt.date(2027, 6, 12)]
    assert "Sam's free times (Saturday morning) leave room for only 1 session" in plan.problem
    assert "Wednesday 16 June" in plan.problem and "2 are needed" in plan.problem
    assert "Ask the volunteer coordinator" in plan.problem


def test_an_ambassador_with_no_free_times_and_a_conference_tomorrow_are_explained() -> None:
    none_free = plan_sessions(
        availability=ambassador(frozenset()), conference_day=dt.date(2027, 6, 17), today=dt.date(2027, 5, 20)
    )
    assert none_free.slots == () and "(no times recorded) leave no room for a session" in none_free.problem
    too_soon = plan_sessions(availability=ambassador(), conference_day=dt.date(2027, 6, 17), today=dt.date(2027, 6, 16))
    assert too_soon.slots == () and "The conference is too soon" in too_soon.problem


def test_a_replacement_keeps_away_from_the_sessions_still_planned() -> None:
    plan = plan_sessions(
        availability=ambassador(),
        conference_day=dt.date(2027, 6, 17),
        today=dt.date(2027, 5, 20),
        wanted=1,
        keep=[dt.date(2027, 6, 16), dt.date(2027, 6, 9)],
    )
    # A week from each where it can: the 2nd is a week before the 9th.
    assert days_of(plan) == [dt.date(2027, 6, 2)]


def test_a_time_the_coordinator_chooses_is_checked_against_the_same_rule() -> None:
    now = local_datetime(dt.date(2027, 5, 20), dt.time(9, 0))
    sam = ambassador(frozenset({(MON, EVENING), (SAT, MORNING)}), away=[(dt.date(2027, 6, 5), dt.date(2027, 6, 5))])

    def problems(day: dt.date, at: dt.time) -> list[str]:
        return problems_with(
            start=local_datetime(day, at), availability=sam, conference_day=dt.date(2027, 6, 17), now=now
        )

    assert problems(dt.date(2027, 6, 14), dt.time(19, 30)) == []
    assert problems(dt.date(2027, 5, 19), dt.time(18, 0)) == ["The session must be in the future."]
    assert "the last working day before the conference" in problems(dt.date(2027, 6, 17), dt.time(18, 0))[0]
    assert problems(dt.date(2027, 6, 5), dt.time(10, 0)) == ["Sam is away on Saturday 5 June: choose another day."]
    assert problems(dt.date(2027, 5, 31), dt.time(18, 0)) == ["Monday 31 May is a bank holiday: choose another day."]
    assert problems(dt.date(2027, 6, 14), dt.time(10, 0)) == [
        "Sam is not free on Monday mornings: choose one of their times (Monday evening, Saturday morning)."
    ]


# -- the rule, for any free times, dates away and dates ----------------------------------------------------

slot_sets = st.frozensets(st.tuples(st.integers(0, 6), st.integers(0, 2)), max_size=8)
days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2029, 12, 31))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Availability, dt.date, dt.date]:
    today = draw(days)
    conference = today + dt.timedelta(days=draw(st.integers(1, 50)))
    away = []
    for _ in range(draw(st.integers(0, 2))):
        first = today + dt.timedelta(days=draw(st.integers(0, 50)))
        away.append((first, first + dt.timedelta(days=draw(st.integers(0, 10)))))
    return ambassador(draw(slot_sets), away), conference, today


def most_sessions(free_days: list[dt.date]) -> int:
    """By brute force: the most sessions (up to 3) on days at least two apart."""
    for n in (3, 2, 1):
        for chosen in combinations(sorted(set(free_days)), n):
            if all((b - a).days >= 2 for a, b in pairwise(chosen)):
                return n
    return 0


@hsettings(max_examples=300, deadline=None)
@given(case=cases())
def test_every_planned_session_keeps_the_rule_and_as_many_fit_as_possible(
    case: tuple[Availability, dt.date, dt.date],
) -> None:
    sam, conference, today = case
    plan = plan_sessions(availability=sam, conference_day=conference, today=today)
    planned = days_of(plan)
    for slot in plan.slots:
        assert today < slot.day <= previous_working_day(conference)
        assert (slot.day.weekday(), slot.part) in sam.weekly_slots
        assert not sam.is_away(slot.day) and not is_bank_holiday(slot.day)
    assert planned == sorted(planned) and len(planned) <= 3
    assert all((b - a).days >= 2 for a, b in pairwise(planned))
    possible = most_sessions(
        [slot.day for slot in open_slots(availability=sam, conference_day=conference, today=today)]
    )
    assert len(planned) == possible
    assert bool(plan.problem) == (possible < 2)
