"""diary.series: a series written in bulk, one invite per person, replies to a series or one date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Team, User
from diary import ical, itip
from diary.models import AttendeeResponse, Meeting, MeetingKind, MeetingSeries, Reminder
from diary.reminders import ReminderRule
from diary.series import Occurrence, schedule_series, set_series_attendees
from diary.services import AttendeeSpec, reschedule_meeting
from outbox.models import OutboxMessage
from tests.assertions import assert_in_all_parsers
from tests.diary.test_itip import reply
from tests.ical_series import series_in_all_parsers

LONDON = ZoneInfo("Europe/London")
# Tuesdays every 2 weeks from 3 March 2031, across the clocks going forward on 30 March.
FIRST = dt.datetime(2031, 3, 4, 10, tzinfo=LONDON)


def _series(gina: User, people: list[User], north: Team, *, count: int = 4) -> tuple[MeetingSeries, list[Meeting]]:
    starts = [FIRST + dt.timedelta(weeks=2 * n) for n in range(count)]
    return schedule_series(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – Team North",
        organiser=gina,
        team=north,
        link_path="/gcs/groups/1/",
        dtstart=FIRST,
        dtend=FIRST + dt.timedelta(hours=2),
        rrule=ical.series_rule(weeks=2, weekday=1, until=starts[-1]),
        occurrences=[
            Occurrence(start=s, end=s + dt.timedelta(hours=2), recurrence_id=s, link_path=f"/gcs/sessions/{n}/")
            for n, s in enumerate(starts)
        ],
        attendees=[AttendeeSpec(user=user) for user in people],
        reminder_rules=[ReminderRule("day-before", "start", offset_working_days=-1)],
    )


def test_a_series_is_written_in_bulk_with_its_reminders_and_one_invite_per_person(
    gina: User, alice: User, mo: User, north: Team
) -> None:
    series, meetings = _series(gina, [alice, mo], north)
    assert len(meetings) == 4 and all(m.series_id == series.pk for m in meetings)
    assert Reminder.objects.filter(meeting__in=meetings).count() == 8
    assert OutboxMessage.objects.count() == 2
    invite = OutboxMessage.objects.get(to__icontains=alice.email).calendar
    assert_in_all_parsers(invite, method="REQUEST", uid=series.uid, sequence=0, attendees=[alice.email, mo.email])
    seen = series_in_all_parsers(invite)["ical.js"]["occurrences"]
    # Ten o'clock in London before and after the clocks change: 10:00Z, then 09:00Z.
    assert [o.start for o in seen] == [m.start.astimezone(dt.UTC) for m in meetings]
    assert [o.start.hour for o in seen] == [10, 10, 9, 9]


def test_a_series_whose_rule_does_not_give_its_dates_is_refused(gina: User, alice: User, north: Team) -> None:
    with pytest.raises(ValidationError):
        schedule_series(
            kind=MeetingKind.GCS_SESSION,
            title="Group Case Supervision – Team North",
            organiser=gina,
            link_path="/gcs/groups/1/",
            dtstart=FIRST,
            dtend=FIRST + dt.timedelta(hours=2),
            rrule=ical.series_rule(weeks=2, weekday=1, until=FIRST + dt.timedelta(weeks=4)),
            occurrences=[Occurrence(FIRST, FIRST + dt.timedelta(hours=2), FIRST, "/gcs/sessions/1/")],
            attendees=[AttendeeSpec(user=alice)],
        )
    assert not Meeting.objects.exists() and not OutboxMessage.objects.exists()


def test_a_reply_to_the_series_answers_every_date_and_a_reply_to_one_date_only_that(
    gina: User, alice: User, north: Team
) -> None:
    series, meetings = _series(gina, [alice], north)
    itip.ingest_reply_message(reply("outlook", uid=series.uid, attendee=alice.email, partstat="ACCEPTED"))
    assert {m.attendees.get().response for m in meetings} == {AttendeeResponse.ACCEPTED}
    itip.ingest_reply_message(
        reply(
            "google",
            uid=series.uid,
            attendee=alice.email,
            partstat="DECLINED",
            recurrence_id=meetings[2].recurrence_id,
        )
    )
    answers = [m.attendees.get().response for m in meetings]
    assert answers == ["accepted", "accepted", "declined", "accepted"]


def test_a_date_moved_on_its_own_keeps_its_answer_when_the_series_is_answered_again(
    gina: User, alice: User, north: Team
) -> None:
    series, meetings = _series(gina, [alice], north)
    later = meetings[1].start + dt.timedelta(hours=4)
    reschedule_meeting(meeting=meetings[1], start=later, end=later + dt.timedelta(hours=2))
    assert meetings[1].sequence == 1  # above the series: an exception
    [outcome] = itip.ingest_reply_message(reply("apple", uid=series.uid, attendee=alice.email, partstat="TENTATIVE"))
    assert outcome.outcome == "recorded"
    assert [m.attendees.get().response for m in Meeting.objects.filter(series=series).order_by("recurrence_id")] == [
        "tentative",
        "needs-action",
        "tentative",
        "tentative",
    ]


def test_someone_taken_off_a_series_gets_one_cancel_of_the_whole_series(
    gina: User, alice: User, mo: User, north: Team
) -> None:
    series, _meetings = _series(gina, [alice, mo], north)
    assert set_series_attendees(series=series, attendees=[AttendeeSpec(user=alice)]) == 4
    cancel = OutboxMessage.objects.get(to__icontains=mo.email, calendar_method="CANCEL")
    assert_in_all_parsers(cancel.calendar, method="CANCEL", uid=series.uid, sequence=1, attendees=[mo.email])
    assert "RECURRENCE-ID" not in cancel.calendar
    assert Reminder.objects.filter(recipient_email=mo.email, status="pending").count() == 0
    update = OutboxMessage.objects.filter(to__icontains=alice.email).latest("pk")
    assert_in_all_parsers(update.calendar, method="REQUEST", uid=series.uid, sequence=1, attendees=[alice.email])
    # The same list again changes nothing and sends nothing.
    before = OutboxMessage.objects.count()
    assert set_series_attendees(series=series, attendees=[AttendeeSpec(user=alice)]) == 0
    assert OutboxMessage.objects.count() == before
