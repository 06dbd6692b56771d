"""diary.series: a series written in bulk, one invite per person, replies to a series or one date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from accounts.models import Team, User
from diary import ical, itip
from diary.models import AttendeeResponse, Meeting, MeetingKind, MeetingSeries, Reminder
from diary.reminders import ReminderRule
from diary.series import Occurrence, expand, recurrence_up_to, schedule_series, set_series_attendees
from diary.services import AttendeeSpec, cancel_meeting, reschedule_meeting
from outbox.models import OutboxMessage
from tests.assertions import assert_in_all_parsers, attendees_of
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


def test_someone_taken_off_a_series_before_any_date_has_passed_gets_one_cancel_of_the_whole_series(
    gina: User, alice: User, mo: User, north: Team
) -> None:
    series, _meetings = _series(gina, [alice, mo], north)
    assert set_series_attendees(series=series, attendees=[AttendeeSpec(user=alice)]) == 4
    cancel = OutboxMessage.objects.get(to__icontains=mo.email, calendar_method="CANCEL")
    assert cancel.template == "meeting_series_removed"
    assert OutboxMessage.objects.filter(to__icontains=mo.email).count() == 2  # the invite, then the CANCEL
    assert_in_all_parsers(cancel.calendar, method="CANCEL", uid=series.uid, sequence=1, attendees=[mo.email])
    assert "RECURRENCE-ID" not in cancel.calendar
    assert Reminder.objects.filter(recipient_email=mo.email, status="pending").count() == 0
    update = OutboxMessage.objects.filter(to__icontains=alice.email).latest("pk")
    assert_in_all_parsers(update.calendar, method="REQUEST", uid=series.uid, sequence=1, attendees=[alice.email])
    # The same list again changes nothing and sends nothing.
    before = OutboxMessage.objects.count()
    assert set_series_attendees(series=series, attendees=[AttendeeSpec(user=alice)]) == 0
    assert OutboxMessage.objects.count() == before


# --- Taken off after some dates have passed: the series ends for them, the past stays ----------------


def _held(email: str) -> dict[dt.datetime | None, int]:
    """The highest SEQUENCE of each component (None: the master) in every calendar sent to `email`."""
    held: dict[dt.datetime | None, int] = {}
    for message in OutboxMessage.objects.filter(to__icontains=email).exclude(calendar=""):
        for event in Calendar.from_ical(message.calendar).walk("VEVENT"):
            rid = event.get("RECURRENCE-ID")
            key = rid.dt.astimezone(dt.UTC) if rid is not None else None
            held[key] = max(held.get(key, 0), int(event["SEQUENCE"]))
    return held


def _seen(meetings: list[Meeting]) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(m.start.astimezone(dt.UTC), m.end.astimezone(dt.UTC)) for m in meetings]


def test_someone_taken_off_after_dates_have_passed_keeps_the_past_dates_and_loses_those_to_come(
    gina: User, alice: User, mo: User, north: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 4 Mar, 18 Mar (cancelled), 1 Apr (moved to 14:00, after the clocks change), then 15 Apr,
    # 29 Apr (moved to 14:00) and 13 May to come when mo is taken off on 8 April.
    series, meetings = _series(gina, [alice, mo], north, count=6)
    cancel_meeting(meeting=meetings[1], reason="Training day")
    for moved in (meetings[2], meetings[4]):
        reschedule_meeting(
            meeting=moved, start=moved.start + dt.timedelta(hours=4), end=moved.end + dt.timedelta(hours=4)
        )
    for meeting in meetings:
        meeting.refresh_from_db()
    held = _held(mo.email)
    alice_before = OutboxMessage.objects.filter(to__icontains=alice.email).count()
    mo_before = OutboxMessage.objects.filter(to__icontains=mo.email).count()
    now = dt.datetime(2031, 4, 8, 12, tzinfo=LONDON)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)

    assert set_series_attendees(series=series, attendees=[AttendeeSpec(user=alice)]) == 3
    series.refresh_from_db()
    # One email to each: mo's ends the series, alice's is the updated series as before.
    assert OutboxMessage.objects.filter(to__icontains=mo.email).count() == mo_before + 1
    assert OutboxMessage.objects.filter(to__icontains=alice.email).count() == alice_before + 1
    ended = OutboxMessage.objects.filter(to__icontains=mo.email).latest("pk")
    assert (ended.template, ended.calendar_method) == ("meeting_series_ended", "REQUEST")
    # The people of the dates kept, none asked to answer; the series' UID and SEQUENCE.
    for event in Calendar.from_ical(ended.calendar).walk("VEVENT"):
        assert str(event["UID"]) == series.uid
        assert sorted(attendees_of(event)) == sorted([alice.email, mo.email])
        assert all("RSVP" not in params for params in attendees_of(event).values())
    views = series_in_all_parsers(ended.calendar)
    occurrences = views["ical.js"]["occurrences"]
    # The past dates mo was invited to, the moved one where it moved; the cancelled one still left out.
    assert [(o.start, o.end) for o in occurrences] == _seen([meetings[0], meetings[2]])
    assert meetings[1].start.astimezone(dt.UTC) not in {o.recurrence_id for o in occurrences}
    assert all(o.end < now for o in occurrences)
    [moved] = [o for o in occurrences if o.recurrence_id != o.start]
    assert moved.recurrence_id == meetings[2].recurrence_id
    # Applied over what mo holds: the master is newer; each date kept is at least as new as mo's copy of it.
    assert views["ical.js"]["sequence"] > held[None]
    assert all(o.sequence >= held.get(o.recurrence_id, 0) for o in occurrences)
    [master] = [e for e in Calendar.from_ical(ended.calendar).walk("VEVENT") if "RECURRENCE-ID" not in e]
    assert master["RRULE"]["UNTIL"] == [meetings[2].recurrence_id]  # the last date kept, in UTC
    assert "past meetings you were invited to, the last on Tuesday 1 April 2031, stay in your calendar" in ended.text
    assert "Tuesday 15 April 2031, 10:00" in ended.text and "Tuesday 29 April 2031, 14:00" in ended.text

    # Alice's copy is the whole series, as before: every date that is not cancelled.
    update = OutboxMessage.objects.filter(to__icontains=alice.email).latest("pk")
    alice_view = series_in_all_parsers(update.calendar)["vobject"]
    assert [(o.start, o.end) for o in alice_view["occurrences"]] == _seen([m for m in meetings if not m.is_cancelled])
    assert alice_view["sequence"] == series.sequence

    # Undone: mo is sent the whole series again, newer than the series ended, and the dates to come are back.
    assert set_series_attendees(series=series, attendees=[AttendeeSpec(user=alice), AttendeeSpec(user=mo)]) == 3
    series.refresh_from_db()
    back = OutboxMessage.objects.filter(to__icontains=mo.email).latest("pk")
    assert (back.template, back.calendar_method) == ("meeting_series", "REQUEST")
    restored = series_in_all_parsers(back.calendar)
    assert restored["icalendar"]["sequence"] == series.sequence > views["icalendar"]["sequence"]
    assert [(o.start, o.end) for o in restored["ical.js"]["occurrences"]] == _seen(
        [m for m in meetings if not m.is_cancelled]
    )


def test_a_series_ended_early_names_exactly_the_dates_kept_whatever_they_are(
    gina: User, alice: User, north: Team
) -> None:
    # Every 2 weeks, six dates; the fourth moved to the day after (EXDATE + RDATE).
    starts = [FIRST + dt.timedelta(weeks=2 * n) for n in range(6)]
    moved_to = starts[3] + dt.timedelta(days=1)
    dates = [*starts[:3], moved_to, *starts[4:]]
    series, meetings = schedule_series(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – Team North",
        organiser=gina,
        team=north,
        link_path="/gcs/groups/1/",
        dtstart=FIRST,
        dtend=FIRST + dt.timedelta(hours=2),
        rrule=ical.series_rule(weeks=2, weekday=1, until=starts[-1]),
        exdates=[starts[3]],
        rdates=[moved_to],
        occurrences=[Occurrence(d, d + dt.timedelta(hours=2), d, f"/gcs/sessions/{n}/") for n, d in enumerate(dates)],
        attendees=[AttendeeSpec(user=alice)],
    )
    utc = [d.astimezone(dt.UTC) for d in dates]
    for kept in ([utc[0]], [utc[3]], [utc[1], utc[3]], [utc[0], utc[2], utc[3], utc[4]], [utc[5]], utc):
        recurrence = recurrence_up_to(series, kept)
        ended = MeetingSeries(
            dtstart=series.dtstart,
            rrule=recurrence.rrule,
            exdates=[m.isoformat() for m in recurrence.exdates],
            rdates=[m.isoformat() for m in recurrence.rdates],
        )
        assert expand(ended) == sorted(kept), kept
        assert "COUNT" not in recurrence.rrule and recurrence.rrule.count("UNTIL=") == 1
    # The other two parsers agree for the hardest: DTSTART left out, a gap, the date moved.
    keep = [meetings[1], meetings[3]]
    recurrence = recurrence_up_to(series, [m.start for m in keep])
    cal = ical.build_series_request(series, keep, [], recurrence=recurrence, rsvp=False).to_ical()
    seen = series_in_all_parsers(cal)["ical.js"]["occurrences"]
    assert [(o.start, o.end) for o in seen] == _seen(keep)


def test_someone_taken_off_every_date_but_one_they_are_kept_on_is_sent_the_series_not_its_end(
    gina: User, alice: User, mo: User, north: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    series, meetings = _series(gina, [alice, mo], north, count=6)
    now = dt.datetime(2031, 4, 8, 12, tzinfo=LONDON)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    before = OutboxMessage.objects.filter(to__icontains=mo.email).count()
    # mo stays invited to 29 April alone (a session's guest): still in the series, so no end and no CANCEL.
    kept_on = {meetings[4].pk: [mo.email]}
    assert set_series_attendees(series=series, attendees=[AttendeeSpec(user=alice)], keep=kept_on) == 2
    [update] = OutboxMessage.objects.filter(to__icontains=mo.email).order_by("pk")[before:]
    assert (update.template, update.calendar_method) == ("meeting_series", "REQUEST")
    assert meetings[4].attendees.current().filter(email=mo.email).exists()
    assert not meetings[3].attendees.current().filter(email=mo.email).exists()
    assert Reminder.objects.filter(recipient_email=mo.email, status="pending", meeting=meetings[4]).count() == 1
    assert not Reminder.objects.filter(recipient_email=mo.email, status="pending", meeting=meetings[5]).exists()
