"""Kinfolk's one wall clock: aware datetimes stored in UTC, shown and planned in Europe/London."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def local_datetime(day: dt.date, at: dt.time) -> dt.datetime:
    """An aware Europe/London datetime for a wall-clock time, normalised through UTC.

    A time in the spring-forward gap (01:30 on the last Sunday of March) does not
    exist; the round trip turns it into the instant an hour later on the clock.
    """
    naive = dt.datetime.combine(day, at)
    return naive.replace(tzinfo=LONDON).astimezone(dt.UTC).astimezone(LONDON)
