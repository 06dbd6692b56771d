"""Week and month views of a user's diary: the days of a period and the meetings on each.

One query for the period whatever the number of meetings. Days are Europe/London
days; a meeting belongs to the day it starts on.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from core.localtime import LONDON, local_datetime
from diary.models import Meeting


@dataclass
class Day:
    date: dt.date
    in_period: bool = True
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()


def parse_day(value: str | None) -> dt.date:
    """A day from an ISO date in the address, or today when it is missing or not a date."""
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


def _meetings_by_day(user: User, first: dt.date, last: dt.date) -> dict[dt.date, list[Meeting]]:
    meetings = (
        Meeting.objects.for_user(user)
        .filter(
            start__gte=local_datetime(first, dt.time(0, 0)),
            start__lt=local_datetime(last + dt.timedelta(days=1), dt.time(0, 0)),
        )
        .select_related("team")
        .order_by("start", "pk")
    )
    by_day: dict[dt.date, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_day[meeting.start.astimezone(LONDON).date()].append(meeting)
    return by_day


def week(user: User, day: dt.date) -> list[Day]:
    """Monday to Sunday of the week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    by_day = _meetings_by_day(user, days[0], days[-1])
    return [Day(date=d, meetings=by_day.get(d, [])) for d in days]


def month(user: User, day: dt.date) -> list[list[Day]]:
    """The weeks (Monday first) of the month holding `day`, with the days of the months either side."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)
    by_day = _meetings_by_day(user, weeks[0][0], weeks[-1][-1])
    return [[Day(date=d, in_period=d.month == day.month, meetings=by_day.get(d, [])) for d in w] for w in weeks]


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
