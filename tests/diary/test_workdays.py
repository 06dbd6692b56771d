"""diary.workdays and reminder due times: bank holidays, weekends and the clock changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diary.reminders import compute_due
from diary.workdays import add_working_days, is_working_day, next_working_day, working_hours_between

LONDON = ZoneInfo("Europe/London")
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2040, 12, 31))
# Whole-minute local times, avoiding the spring-forward gap and autumn's repeated hour.
clock = st.times().map(lambda t: t.replace(second=0, microsecond=0)).filter(lambda t: not (1 <= t.hour < 2))
offsets = st.integers(min_value=-15, max_value=15).filter(lambda n: n != 0)


def test_england_and_wales_bank_holidays_are_not_working_days() -> None:
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(dt.date(2026, 12, 28))  # Boxing Day substitute
    assert not is_working_day(dt.date(2026, 8, 31))  # England's summer bank holiday, not Scotland's
    assert is_working_day(dt.date(2026, 8, 3))  # Scotland's summer bank holiday is a working day here
    assert not is_working_day(dt.date(2026, 4, 3)) and not is_working_day(dt.date(2026, 4, 6))  # Easter


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 12, 29), -1) == dt.date(2026, 12, 24)
    assert add_working_days(dt.date(2026, 4, 7), -3) == dt.date(2026, 3, 31)
    assert add_working_days(dt.date(2026, 3, 7), 1) == dt.date(2026, 3, 9)  # from a Saturday
    assert add_working_days(dt.date(2026, 3, 7), 0) == dt.date(2026, 3, 7)


def test_working_hours_count_only_the_working_day() -> None:
    friday_4pm = dt.datetime(2026, 12, 24, 16, tzinfo=LONDON)
    tuesday_10am = dt.datetime(2026, 12, 29, 10, tzinfo=LONDON)
    assert working_hours_between(friday_4pm, tuesday_10am) == 2.0
    assert working_hours_between(tuesday_10am, friday_4pm) == -2.0
    # A working day on which the clocks go forward is still eight hours (09:00–17:00 local).
    assert (
        working_hours_between(dt.datetime(2026, 3, 27, 0, tzinfo=LONDON), dt.datetime(2026, 3, 31, 0, tzinfo=LONDON))
        == 16.0
    )


def test_three_working_days_before_a_meeting_after_the_clocks_go_forward_keeps_its_wall_clock_time() -> None:
    meeting = dt.datetime(2026, 3, 31, 10, tzinfo=LONDON)  # Tuesday, BST
    due = compute_due(anchor_at=meeting, offset_working_days=-3)
    assert due.astimezone(LONDON) == dt.datetime(2026, 3, 26, 10, tzinfo=LONDON)  # Thursday, GMT
    assert due == dt.datetime(2026, 3, 26, 10, tzinfo=dt.UTC)


@hsettings(max_examples=300, deadline=None)
@given(day=days, at=clock, n=offsets)
def test_a_working_day_offset_lands_on_a_working_day_at_the_same_wall_clock_time(
    day: dt.date, at: dt.time, n: int
) -> None:
    anchor = dt.datetime.combine(day, at, tzinfo=LONDON)
    due = compute_due(anchor_at=anchor, offset_working_days=n).astimezone(LONDON)
    assert is_working_day(due.date())
    assert due.time() == at
    assert (due < anchor) if n < 0 else (due > anchor)
    # Exactly |n| working days from the anchor's day to the due day, counting the far end.
    lo, hi = sorted((anchor.date(), due.date()))
    between = (
        [lo + dt.timedelta(days=i) for i in range(1, (hi - lo).days + 1)]
        if n > 0
        else [lo + dt.timedelta(days=i) for i in range((hi - lo).days)]
    )
    assert sum(is_working_day(d) for d in between) == abs(n)


def _last_sunday(year: int, month: int) -> int:
    """Day of the month of the last Sunday, counted on a calendar (no time zone library)."""
    last = 31
    while dt.date(year, month, last).weekday() != 6:
        last -= 1
    return last


def _uk_wall_clock_after(anchor_wall: dt.datetime, hours: int) -> tuple[dt.datetime, bool]:
    """The oracle: the London wall clock `hours` elapsed hours after `anchor_wall`, stepped an hour at a time.

    It knows only the rule in law (the clocks go forward at 01:00 GMT on the last
    Sunday of March and back at 01:00 GMT on the last Sunday of October) and no
    time zone library: at each step it asks whether a change happened during that
    hour and moves the hands by one hour, or two, or none. Returns the wall
    clock and whether it is summer time (which tells October's repeated hour apart).
    """

    def in_summer_time(gmt: dt.datetime) -> bool:
        starts = dt.datetime(gmt.year, 3, _last_sunday(gmt.year, 3), 1)  # noqa: DTZ001  (naive GMT on purpose)
        ends = dt.datetime(gmt.year, 10, _last_sunday(gmt.year, 10), 1)  # noqa: DTZ001  (naive GMT on purpose)
        return starts <= gmt < ends

    # The anchor is never in the gap or the repeated hour, so its GMT reading is unambiguous.
    gmt = anchor_wall - dt.timedelta(hours=1)
    if not in_summer_time(gmt):
        gmt = anchor_wall
    wall = anchor_wall
    step = dt.timedelta(hours=1 if hours > 0 else -1)
    for _ in range(abs(hours)):
        before = in_summer_time(gmt)
        gmt += step
        after = in_summer_time(gmt)
        wall += step + (after - before) * dt.timedelta(hours=1)
    return wall, in_summer_time(gmt)


def test_the_oracle_knows_the_clock_changes() -> None:
    # 00:30 + 1 h is 01:30 GMT; + 2 h is 03:30 BST on the morning the clocks go forward (29 March 2026).
    assert _uk_wall_clock_after(dt.datetime(2026, 3, 29, 0, 30), 2) == (dt.datetime(2026, 3, 29, 3, 30), True)  # noqa: DTZ001
    # 00:30 BST + 3 h on 25 October 2026 (clocks go back at 02:00 BST) reads 02:30 GMT.
    assert _uk_wall_clock_after(dt.datetime(2026, 10, 25, 0, 30), 3) == (dt.datetime(2026, 10, 25, 2, 30), False)  # noqa: DTZ001
    # + 1 h reads 01:30 BST, + 2 h reads 01:30 again, now GMT.
    assert _uk_wall_clock_after(dt.datetime(2026, 10, 25, 0, 30), 1) == (dt.datetime(2026, 10, 25, 1, 30), True)  # noqa: DTZ001
    assert _uk_wall_clock_after(dt.datetime(2026, 10, 25, 0, 30), 2) == (dt.datetime(2026, 10, 25, 1, 30), False)  # noqa: DTZ001


@hsettings(max_examples=300, deadline=None)
@given(day=days, at=clock, hours=st.integers(min_value=-72, max_value=72))
def test_an_hour_offset_is_elapsed_time_across_the_clock_changes(day: dt.date, at: dt.time, hours: int) -> None:
    anchor_wall = dt.datetime.combine(day, at)
    due = compute_due(anchor_at=anchor_wall.replace(tzinfo=LONDON), offset_hours=hours)
    assert due.tzinfo is not None
    wall, summer = _uk_wall_clock_after(anchor_wall, hours)
    local = due.astimezone(LONDON)
    assert (local.replace(tzinfo=None), local.utcoffset()) == (wall, dt.timedelta(hours=summer))


@hsettings(max_examples=100, deadline=None)
@given(year=st.integers(min_value=2024, max_value=2040), season=st.sampled_from([3, 10]), hours=st.integers(1, 6))
def test_an_hour_offset_from_the_night_before_a_clock_change_lands_where_the_oracle_says(
    year: int, season: int, hours: int
) -> None:
    """Random days rarely cross a change: these always do."""
    anchor_wall = dt.datetime(year, season, _last_sunday(year, season), 0, 0) - dt.timedelta(hours=1)  # noqa: DTZ001
    due = compute_due(anchor_at=anchor_wall.replace(tzinfo=LONDON), offset_hours=hours)
    wall, summer = _uk_wall_clock_after(anchor_wall, hours)
    local = due.astimezone(LONDON)
    assert (local.replace(tzinfo=None), local.utcoffset()) == (wall, dt.timedelta(hours=summer))


@hsettings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(min_value=-10, max_value=10))
def test_adding_then_removing_working_days_from_a_working_day_returns_to_it(day: dt.date, n: int) -> None:
    if not is_working_day(day):
        day = next_working_day(day)
    assert add_working_days(add_working_days(day, n), -n) == day
