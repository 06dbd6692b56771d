"""What the booking page shows: the coordinator's and each venue's commitments around a day.

A constant number of queries whatever the diary holds (four: venues, the coordinator's
conferences, the venues' conferences, the coordinator's diary meetings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.models import Meeting
from fgc.models import Conference, ConferenceKind, ConferenceStatus, Venue

# Days either side of the chosen day.
AROUND_DAYS = 3


@dataclass
class Busy:
    start: dt.datetime
    end: dt.datetime
    what: str


@dataclass
class Day:
    day: dt.date
    coordinator: list[Busy] = field(default_factory=list)
    venues: list[tuple[Venue, list[Busy]]] = field(default_factory=list)


@dataclass
class Availability:
    days: list[Day]
    venues: list[Venue]


def availability(*, coordinator: User, around: dt.date, exclude: int = 0) -> Availability:
    """The coordinator's booked conferences and diary meetings, and each active venue's bookings, day by day.

    Other coordinators' bookings of a venue show only as "Booked" (no reference): the
    coordinator may not know about referrals that are not theirs.
    """
    first, last = around - dt.timedelta(days=AROUND_DAYS), around + dt.timedelta(days=AROUND_DAYS)
    since, until = local_datetime(first, dt.time(0, 0)), local_datetime(last + dt.timedelta(days=1), dt.time(0, 0))
    venues = list(Venue.objects.filter(active=True))
    days = {first + dt.timedelta(days=n): Day(first + dt.timedelta(days=n)) for n in range(2 * AROUND_DAYS + 1)}
    by_venue: dict[tuple[dt.date, int], list[Busy]] = {}
    for day in days.values():
        for venue in venues:
            by_venue[(day.day, venue.pk)] = []
            day.venues.append((venue, by_venue[(day.day, venue.pk)]))
    booked = Conference.objects.filter(status=ConferenceStatus.BOOKED, start__lt=until, end__gt=since).exclude(
        pk=exclude
    )
    for conference in booked.filter(coordinator=coordinator).select_related("referral"):
        if found := _day_of(days, conference.start):
            found.coordinator.append(Busy(conference.start, conference.end, _label(conference)))
    for conference in booked.filter(venue__in=venues).select_related("referral"):
        mine = conference.coordinator_id == coordinator.pk
        label = _label(conference) if mine else "Booked"
        if found := _day_of(days, conference.start):
            by_venue[(found.day, conference.venue_id)].append(Busy(conference.start, conference.end, label))
    meetings = Meeting.objects.scheduled().for_user(coordinator).filter(start__lt=until, end__gt=since)
    conference_meetings = Conference.objects.filter(coordinator=coordinator, meeting__isnull=False).values("meeting_id")
    for meeting in meetings.exclude(pk__in=conference_meetings):
        if found := _day_of(days, meeting.start):
            found.coordinator.append(Busy(meeting.start, meeting.end, "Diary meeting"))
    for day in days.values():
        day.coordinator.sort(key=lambda busy: busy.start)
        for _venue, busy in day.venues:
            busy.sort(key=lambda b: b.start)
    return Availability(days=list(days.values()), venues=venues)


def _label(conference: Conference) -> str:
    what = "Review conference" if conference.kind == ConferenceKind.REVIEW else "Conference"
    return f"{what} {conference.referral.reference}"


def _day_of(days: dict[dt.date, Day], moment: dt.datetime) -> Day | None:
    return days.get(timezone.localtime(moment).date())
