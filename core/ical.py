"""Reading iCalendar text, knowing nothing of meetings.

The diary builds and parses its own invites and replies (diary/ical.py) with these
helpers; the outbox pages lay out any calendar an email carries for a person to read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component

LONDON = ZoneInfo("Europe/London")


def method_of(cal: Calendar) -> str:
    return str(cal.get("method", "")).upper()


def address(value: object) -> str:
    """An ATTENDEE or ORGANIZER value as a bare, lower-case email address."""
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


@dataclass(frozen=True)
class CalendarSummary:
    method: str
    uid: str
    sequence: int
    status: str
    summary: str
    start: str
    end: str
    location: str
    organiser: str
    attendees: list[str]
    timezones: list[str]


def _when(event: Component, name: str) -> str:
    prop = event.get(name)
    if prop is None:
        return ""
    value = prop.dt
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(LONDON).strftime("%a %d %b %Y %H:%M %Z")
    return str(value)


def summarise(data: bytes | str) -> list[CalendarSummary]:
    """Each event of a calendar, laid out for a person to read (times in UK time)."""
    cal = Calendar.from_ical(data)
    method = method_of(cal)
    timezones = [str(tz.get("tzid")) for tz in cal.walk("VTIMEZONE")]
    summaries = []
    for event in cal.walk("VEVENT"):
        attendees = event.get("attendee") or []
        if not isinstance(attendees, list):
            attendees = [attendees]

        summaries.append(
            CalendarSummary(
                method=method,
                uid=str(event.get("uid", "")),
                sequence=int(event.get("sequence", 0)),
                status=str(event.get("status", "")),
                summary=str(event.get("summary", "")),
                start=_when(event, "dtstart"),
                end=_when(event, "dtend"),
                location=str(event.get("location", "")),
                organiser=address(event.get("organizer", "")),
                attendees=[
                    f"{address(a)} ({a.params.get('ROLE', '')}, {a.params.get('PARTSTAT', '')})" for a in attendees
                ],
                timezones=timezones,
            )
        )
    return summaries
