"""Kinfolk's one wall clock: aware datetimes stored in UTC, shown and planned in Europe/London.

Twice a year a wall-clock time is not one instant: on the last Sunday of March
the clocks skip from 1am to 2am, so 1:30am does not exist; on the last Sunday of
October they go back from 2am to 1am, so 1:30am happens twice. A time a person
types is checked with `local_datetime_or_error`, which refuses both in words;
`local_datetime` is for times Kinfolk chooses itself (job and reminder times).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

LONDON = ZoneInfo("Europe/London")
NAIVE_PROBLEM = "A date and time with a time zone is needed."


def local_datetime(day: dt.date, at: dt.time) -> dt.datetime:
    """An aware Europe/London datetime for a wall-clock time, normalised through UTC.

    A time in the spring-forward gap (01:30 on the last Sunday of March) does not
    exist; the round trip turns it into the instant an hour later on the clock.
    A time in the autumn's repeated hour is taken as its first occurrence (BST).
    """
    naive = dt.datetime.combine(day, at)
    return naive.replace(tzinfo=LONDON).astimezone(dt.UTC).astimezone(LONDON)


@dataclass(frozen=True)
class ClockChange:
    """The clocks reading `before` jump to `after`: forward in spring, back in autumn."""

    day: dt.date
    before: dt.time
    after: dt.time
    shift: dt.timedelta

    @property
    def forward(self) -> bool:
        return self.after > self.before

    @property
    def affected(self) -> tuple[dt.time, dt.time]:
        """The wall-clock times from the first to just before the second do not exist, or happen twice."""
        return min(self.before, self.after), max(self.before, self.after)


def clock_change_on(day: dt.date) -> ClockChange | None:
    """The change of the London clocks on `day`, if there is one."""
    start = local_datetime(day, dt.time(0))
    end = local_datetime(day + dt.timedelta(days=1), dt.time(0))
    if start.utcoffset() == end.utcoffset():
        return None
    # Find the first minute on the new offset by halving the day (UTC, so each step is one instant).
    low, high = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    minute = dt.timedelta(minutes=1)
    while high - low > minute:
        middle = low + ((high - low) // minute // 2) * minute
        if middle.astimezone(LONDON).utcoffset() == start.utcoffset():
            low = middle
        else:
            high = middle
    offset_before, offset_after = start.utcoffset(), end.utcoffset()
    assert offset_before is not None and offset_after is not None  # aware by construction; for mypy
    return ClockChange(
        day=day,
        before=(high + offset_before).time(),
        after=(high + offset_after).time(),
        shift=abs(offset_after - offset_before),
    )


def clock_label(at: dt.time) -> str:
    """A time as GOV.UK writes it: 1am, 1:30pm, midday, midnight."""
    if at == dt.time(0):
        return "midnight"
    if at == dt.time(12):
        return "midday"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def _shift_label(shift: dt.timedelta) -> str:
    minutes = int(shift.total_seconds() // 60)
    return "an hour" if minutes == 60 else f"{minutes} minutes"


def clock_change_problem(day: dt.date, at: dt.time) -> str | None:
    """Why `at` on `day` is not one London instant, in words; None when it is."""
    change = clock_change_on(day)
    if change is None:
        return None
    first, last = change.affected
    if not first <= at.replace(tzinfo=None) < last:
        return None
    when = f"{clock_label(at)} on {day:%-d %B %Y}"
    how = f"{_shift_label(change.shift)} at {clock_label(change.before)}"
    choose = f"Choose a time before {clock_label(first)} or from {clock_label(last)}."
    if change.forward:
        return f"{when} does not exist: the clocks go forward {how}. {choose}"
    return f"{when} happens twice: the clocks go back {how}. {choose}"


def local_datetime_or_error(day: dt.date, at: dt.time, *, field: str | None = None) -> dt.datetime:
    """`local_datetime` for a time a person typed: refuses a time the clock change skips or repeats.

    Silently moving 1:30am to 2:30am, or picking one of two 1:30ams, would put a
    meeting in people's calendars at a time nobody chose.
    """
    problem = clock_change_problem(day, at)
    if problem is not None:
        error = ValidationError(problem, code="clock_change")
        raise ValidationError({field: error}) if field else error
    return local_datetime(day, at)


def timing_problem(moment: dt.datetime) -> str | None:
    """Why an aware datetime given to a service is not clearly one instant, in words; None when it is.

    A naive datetime has no zone. A datetime written in a zone with a wall time
    that zone skips or repeats (`datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)`)
    names an instant only by Python's `fold` convention, which the person who
    chose it never saw. The same instant given in UTC is fine.
    """
    zone = moment.tzinfo
    if zone is None or moment.utcoffset() is None:
        return NAIVE_PROBLEM
    wall = moment.replace(tzinfo=None)
    skipped = moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall
    repeated = moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset()
    if not (skipped or repeated):
        return None
    if getattr(zone, "key", None) == LONDON.key:
        return clock_change_problem(wall.date(), wall.time())
    return f"{wall:%H:%M on %-d %B %Y} is not one moment in {zone}: the clocks change then."


def repeated_in_london(moment: dt.datetime) -> bool:
    """Whether the London wall time of this instant happens twice (the hour the clocks go back)."""
    local = moment.astimezone(LONDON)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
