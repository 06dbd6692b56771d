"""Working days and hours: Monday to Friday, not England and Wales bank holidays.

Bank holidays come from the `holidays` package (GB, subdivision ENG: England and
Wales share their bank holidays). Working hours are KINFOLK_WORKDAY_START to
KINFOLK_WORKDAY_END in Europe/London.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
from django.conf import settings

from core.localtime import LONDON, local_datetime


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date) -> dt.date:
    """The last working day strictly before `day`."""
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """`n` working days after `day` (before it when n < 0); `day` itself when n == 0.

    `day` need not be a working day: one working day after a Saturday is Monday.
    """
    step = next_working_day if n > 0 else previous_working_day
    for _ in range(abs(n)):
        day = step(day)
    return day


def _clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Working hours elapsed from `start` to `end` (negative if `end` is earlier)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("working_hours_between needs aware datetimes.")
    if end < start:
        return -working_hours_between(end, start)
    opens, closes = (
        _clock(settings.KINFOLK_WORKDAY_START),
        _clock(settings.KINFOLK_WORKDAY_END),
    )
    total = dt.timedelta()
    day = start.astimezone(LONDON).date()
    last = end.astimezone(LONDON).date()
    while day <= last:
        if is_working_day(day):
            window_start = max(start, local_datetime(day, opens))
            window_end = min(end, local_datetime(day, closes))
            if window_end > window_start:
                total += window_end - window_start
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600
