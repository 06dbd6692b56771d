"""core.localtime: wall-clock times that do not exist, or happen twice, when the clocks change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.localtime import LONDON, clock_change_problem, local_datetime, local_datetime_or_error, timing_problem

SPRING = dt.date(2026, 3, 29)  # the clocks go forward at 1am GMT
AUTUMN = dt.date(2026, 10, 25)  # the clocks go back at 2am BST


def test_a_time_in_the_hour_the_clocks_skip_is_refused_naming_the_clock_change() -> None:
    with pytest.raises(ValidationError) as refused:
        local_datetime_or_error(SPRING, dt.time(1, 30))
    assert refused.value.messages == [
        "1:30am on 29 March 2026 does not exist: the clocks go forward an hour at 1am. "
        "Choose a time before 1am or from 2am."
    ]


def test_a_time_in_the_hour_that_happens_twice_is_refused_naming_the_clock_change() -> None:
    with pytest.raises(ValidationError) as refused:
        local_datetime_or_error(AUTUMN, dt.time(1, 0), field="start_time")
    assert refused.value.message_dict == {
        "start_time": [
            "1am on 25 October 2026 happens twice: the clocks go back an hour at 2am. "
            "Choose a time before 1am or from 2am."
        ]
    }


@pytest.mark.parametrize(
    ("day", "at"),
    [
        (SPRING, dt.time(0, 59)),
        (SPRING, dt.time(2, 0)),
        (AUTUMN, dt.time(0, 59)),
        (AUTUMN, dt.time(2, 0)),
        (dt.date(2026, 3, 28), dt.time(1, 30)),
        (dt.date(2026, 10, 26), dt.time(1, 30)),
    ],
)
def test_times_either_side_of_the_change_and_on_other_days_are_accepted(day: dt.date, at: dt.time) -> None:
    assert clock_change_problem(day, at) is None
    assert local_datetime_or_error(day, at) == local_datetime(day, at)
    assert local_datetime_or_error(day, at).astimezone(LONDON).time() == at


def test_an_instant_written_as_a_london_time_that_does_not_exist_or_happens_twice_is_ambiguous() -> None:
    skipped = dt.datetime(2026, 3, 29, 1, 30, tzinfo=LONDON)
    repeated = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    assert timing_problem(skipped) == clock_change_problem(SPRING, dt.time(1, 30))
    assert timing_problem(repeated) == clock_change_problem(AUTUMN, dt.time(1, 30))
    assert timing_problem(repeated.replace(fold=1)) == clock_change_problem(AUTUMN, dt.time(1, 30))
    assert timing_problem(dt.datetime(2026, 10, 25, 1, 30)) == "A date and time with a time zone is needed."  # noqa: DTZ001


def test_an_instant_given_in_utc_is_never_ambiguous() -> None:
    # 00:30 and 01:30 UTC are both 1:30am in London on the autumn Sunday, but each is one instant.
    assert timing_problem(dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)) is None
    assert timing_problem(dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)) is None
    assert timing_problem(dt.datetime(2026, 7, 1, 10, 0, tzinfo=LONDON)) is None
