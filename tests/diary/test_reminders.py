"""diary.reminders: derived from rules, following the meeting, each sent exactly once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Team, User
from diary.models import AttendeeResponse, Meeting, MeetingKind, Reminder, ReminderStatus
from diary.reminders import ReminderRule, schedule_reminder, send_due_reminders, withdraw_reminders
from diary.responses import record_response
from diary.services import AttendeeSpec, cancel_meeting, reschedule_meeting, schedule_meeting, set_attendees
from outbox.models import OutboxMessage
from outbox.services import send_due_messages
from tests.assertions import text_of
from tests.smtp import SMTPServer

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2031, 4, 8, 10, tzinfo=LONDON)  # a Tuesday
RULES = [
    ReminderRule("papers-due", "start", offset_working_days=-3),
    ReminderRule("day-before", "start", offset_working_days=-1, late_policy="skip"),
    ReminderRule("minutes-overdue", "end", offset_working_days=1, audience="organiser"),
]


def _meeting(gina: User, north: Team, attendees: list[AttendeeSpec], start: dt.datetime = START) -> Meeting:
    return schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – Team North",
        organiser=gina,
        team=north,
        start=start,
        end=start + dt.timedelta(hours=2),
        link_path="/gcs/sessions/1/",
        attendees=attendees,
        reminder_rules=RULES,
    )


def _due(meeting: Meeting, rule: str, email: str) -> dt.datetime:
    return Reminder.objects.get(key=f"meeting:{meeting.uid}:{rule}", recipient_email=email).due_at


def test_a_meetings_rules_become_reminders_at_working_day_moments(gina: User, alice: User, north: Team) -> None:
    meeting = _meeting(gina, north, [AttendeeSpec(user=alice)])
    assert _due(meeting, "papers-due", alice.email) == dt.datetime(2031, 4, 3, 10, tzinfo=LONDON)
    assert _due(meeting, "day-before", alice.email) == dt.datetime(2031, 4, 7, 10, tzinfo=LONDON)
    assert _due(meeting, "minutes-overdue", gina.email) == dt.datetime(2031, 4, 9, 12, tzinfo=LONDON)
    assert Reminder.objects.filter(meeting=meeting).count() == 3


def test_a_reminder_for_a_moved_meeting_follows_it(
    smtp_server: SMTPServer, gina: User, alice: User, north: Team
) -> None:
    meeting = _meeting(gina, north, [AttendeeSpec(user=alice)])
    new_start = dt.datetime(2031, 4, 15, 14, tzinfo=LONDON)  # the Tuesday after Easter Monday
    reschedule_meeting(meeting=meeting, start=new_start, end=new_start + dt.timedelta(hours=2))
    # 11 April 2031 is Good Friday and 14 April Easter Monday: one working day before is Thursday 10th.
    assert _due(meeting, "day-before", alice.email) == dt.datetime(2031, 4, 10, 14, tzinfo=LONDON)
    assert _due(meeting, "papers-due", alice.email) == dt.datetime(2031, 4, 8, 14, tzinfo=LONDON)
    assert Reminder.objects.filter(meeting=meeting, status=ReminderStatus.PENDING).count() == 3
    assert send_due_reminders(now=dt.datetime(2031, 4, 7, 10, 1, tzinfo=LONDON)) == {}  # the old moment passes quietly


def test_a_reminder_for_a_cancelled_meeting_never_goes(
    smtp_server: SMTPServer, gina: User, alice: User, north: Team
) -> None:
    meeting = _meeting(gina, north, [AttendeeSpec(user=alice)])
    cancel_meeting(meeting=meeting)
    assert not Reminder.objects.filter(meeting=meeting, status=ReminderStatus.PENDING).exists()
    # Even a reminder that a race left pending is withdrawn when it falls due.
    Reminder.objects.filter(meeting=meeting).update(status=ReminderStatus.PENDING)
    counts = send_due_reminders(now=START + dt.timedelta(days=10))
    assert counts == {"withdrawn": 3}
    assert not OutboxMessage.objects.filter(template="meeting_reminder").exists()


def test_a_removed_or_declining_attendee_gets_no_reminders(gina: User, alice: User, mo: User, north: Team) -> None:
    meeting = _meeting(gina, north, [AttendeeSpec(user=alice), AttendeeSpec(user=mo)])
    record_response(attendee=meeting.attendees.get(email=mo.email), response=AttendeeResponse.DECLINED)
    set_attendees(meeting=meeting, attendees=[AttendeeSpec(user=mo)])
    pending = set(Reminder.objects.filter(status=ReminderStatus.PENDING).values_list("recipient_email", flat=True))
    assert pending == {gina.email}


def test_a_due_reminder_is_sent_once_however_often_the_job_runs(
    smtp_server: SMTPServer, gina: User, alice: User, north: Team
) -> None:
    meeting = _meeting(gina, north, [AttendeeSpec(user=alice)])
    at = dt.datetime(2031, 4, 3, 10, 1, tzinfo=LONDON)
    assert send_due_reminders(now=at) == {"sent": 1}
    assert send_due_reminders(now=at) == {}
    send_due_messages()
    send_due_messages()
    reminders = [m for m in smtp_server.to(alice.email) if "Reminder" in str(m["Subject"])]
    assert len(reminders) == 1
    assert "/gcs/sessions/1/" in text_of(reminders[0])
    assert Reminder.objects.get(key=f"meeting:{meeting.uid}:papers-due").status == ReminderStatus.SENT


def test_after_a_long_outage_each_overdue_reminder_is_sent_once_or_skipped_never_a_flood(
    gina: User, alice: User, mo: User, north: Team
) -> None:
    _meeting(gina, north, [AttendeeSpec(user=alice), AttendeeSpec(user=mo)])
    after_the_meeting = START + dt.timedelta(days=5)
    counts = send_due_reminders(now=after_the_meeting)
    # papers-due and day-before were for before the meeting, which has happened: skipped
    # whatever their late policy. minutes-overdue ("send", due after it) is sent once.
    assert counts == {"sent": 1, "skipped": 4}
    assert send_due_reminders(now=after_the_meeting + dt.timedelta(hours=1)) == {}
    assert list(OutboxMessage.objects.filter(idempotency_key__startswith="reminder:").values_list("to", flat=True)) == [
        [gina.email]
    ]


def test_a_reminder_due_before_the_meeting_is_never_sent_once_it_has_started(
    gina: User, alice: User, north: Team
) -> None:
    meeting = _meeting(gina, north, [AttendeeSpec(user=alice)])
    # The worker was down from the papers reminder until a minute into the meeting.
    counts = send_due_reminders(now=START + dt.timedelta(minutes=1))
    assert counts == {"skipped": 2}  # papers-due ("send") and day-before ("skip") alike
    assert not OutboxMessage.objects.filter(idempotency_key__startswith="reminder:").exists()
    assert set(Reminder.objects.filter(meeting=meeting).values_list("key", "status")) == {
        (f"meeting:{meeting.uid}:papers-due", ReminderStatus.SKIPPED),
        (f"meeting:{meeting.uid}:day-before", ReminderStatus.SKIPPED),
        (f"meeting:{meeting.uid}:minutes-overdue", ReminderStatus.PENDING),
    }


def test_a_late_send_reminder_still_goes_if_the_meeting_has_not_started(gina: User, alice: User, north: Team) -> None:
    _meeting(gina, north, [AttendeeSpec(user=alice)])
    assert send_due_reminders(now=START - dt.timedelta(minutes=1)) == {"sent": 1, "skipped": 1}


def test_a_skip_reminder_within_its_grace_period_is_still_sent(gina: User, alice: User, north: Team) -> None:
    _meeting(gina, north, [AttendeeSpec(user=alice)])
    assert send_due_reminders(now=dt.datetime(2031, 4, 7, 10, 30, tzinfo=LONDON)) == {"sent": 2}


def test_scheduling_the_same_reminder_twice_is_one_reminder_and_moving_it_after_it_went_sends_it_again(
    alice: User,
) -> None:
    due = timezone.now() - dt.timedelta(minutes=1)
    for _ in range(2):
        schedule_reminder(
            key="gcs:action:1:due",
            due_at=due,
            recipient_email="Alice@example.gov.uk",
            template="notice",
            context={"subject": "Action due", "body": "Action 1"},
            user=alice,
        )
    assert Reminder.objects.count() == 1
    assert send_due_reminders() == {"sent": 1}
    schedule_reminder(
        key="gcs:action:1:due",
        due_at=due,
        recipient_email=alice.email,
        template="notice",
        context={"subject": "Action due", "body": "Action 1"},
    )
    assert send_due_reminders() == {}
    schedule_reminder(
        key="gcs:action:1:due",
        due_at=due + dt.timedelta(seconds=30),
        recipient_email=alice.email,
        template="notice",
        context={"subject": "Action due", "body": "Action 1"},
    )
    assert send_due_reminders() == {"sent": 1}
    assert OutboxMessage.objects.count() == 2


def test_withdrawing_by_key_prefix_stops_pending_reminders(alice: User) -> None:
    later = timezone.now() + dt.timedelta(days=1)
    for n in (1, 2):
        schedule_reminder(
            key=f"gcs:action:{n}:due",
            due_at=later,
            recipient_email=alice.email,
            template="notice",
            context={"subject": "s", "body": "b"},
        )
    assert withdraw_reminders(key_prefix="gcs:action:1:") == 1
    assert withdraw_reminders(recipient_email=alice.email) == 1
    with pytest.raises(ValueError):
        withdraw_reminders()


def test_a_naive_due_time_is_refused(alice: User) -> None:
    with pytest.raises(Exception, match="timezone-aware"):
        schedule_reminder(
            key="k",
            due_at=dt.datetime(2031, 1, 1),  # noqa: DTZ001  (the naive time is the point)
            recipient_email=alice.email,
            template="notice",
            context={},
        )
