"""The diary's week and month views: the user's own meetings on the right days, in one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.localtime import local_datetime
from diary.models import Meeting, MeetingKind
from diary.services import AttendeeSpec, schedule_meeting

WEDNESDAY = dt.date(2031, 1, 15)


def meeting(organiser: User, day: dt.date, title: str, *, attendees: tuple[User, ...] = ()) -> Meeting:
    start = local_datetime(day, dt.time(10, 0))
    return schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title=title,
        organiser=organiser,
        start=start,
        end=start + dt.timedelta(hours=2),
        link_path="/diary/",
        attendees=[AttendeeSpec(user=u) for u in attendees],
    )


def test_the_week_view_shows_monday_to_sunday_with_the_users_meetings_on_their_day(
    alice: User, gina: User, bob: User, client_for: Callable[[User], Client]
) -> None:
    mine = meeting(gina, WEDNESDAY, "Group Case Supervision – North", attendees=(alice,))
    meeting(bob, WEDNESDAY, "South team review")
    meeting(gina, WEDNESDAY + dt.timedelta(days=7), "Next week", attendees=(alice,))
    response = client_for(alice).get("/diary/week/?date=2031-01-15")
    days = response.context["days"]
    assert [d.date for d in days] == [dt.date(2031, 1, 13) + dt.timedelta(days=n) for n in range(7)]
    assert [d.meetings for d in days][2] == [mine]
    assert sum(len(d.meetings) for d in days) == 1
    assert b"South team review" not in response.content
    assert b"?date=2031-01-20" in response.content  # the next week


def test_the_month_view_shows_whole_weeks_and_the_meetings_of_the_month(
    alice: User, gina: User, client_for: Callable[[User], Client]
) -> None:
    first = meeting(gina, dt.date(2031, 1, 2), "New year session", attendees=(alice,))
    response = client_for(alice).get("/diary/month/?date=2031-01-15")
    weeks = response.context["weeks"]
    assert weeks[0][0].date == dt.date(2030, 12, 30) and not weeks[0][0].in_period
    assert [d.meetings for w in weeks for d in w if d.meetings] == [[first]]
    assert b"January 2031" in response.content
    assert b'role="region"' in response.content


def test_a_date_that_is_not_a_date_shows_the_current_period(alice: User, client_for: Callable[[User], Client]) -> None:
    assert client_for(alice).get("/diary/week/?date=tuesday").status_code == 200


def test_the_month_view_takes_the_same_queries_with_many_meetings(
    alice: User, gina: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/diary/month/?date=2031-01-15")
        return len(ctx.captured_queries)

    meeting(gina, dt.date(2031, 1, 6), "One", attendees=(alice,))
    small = count()
    for n in range(7, 20):
        meeting(gina, dt.date(2031, 1, n), f"Session {n}", attendees=(alice,))
    assert count() == small
