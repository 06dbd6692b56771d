"""One recurring invite per person for a diarised year, its exceptions, and bulk changes.

Every recurring invite is read by icalendar, vobject and ical.js, which must
agree with each other and with Kinfolk on every occurrence.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from diary.models import MeetingStatus
from diary.workdays import is_bank_holiday
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import Discipline, SupervisionGroup, SupervisionSession
from supervision.services.series import cancel_sessions_from, move_sessions_from
from supervision.tasks import run_pending_membership_changes
from tests.ical_series import exception_in_all_parsers, series_in_all_parsers


def _next_weekday_bank_holiday() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=8)
    while not (is_bank_holiday(day) and day.weekday() < 5):
        day += dt.timedelta(days=1)
    return day


def _latest(email: str, *, method: str = "REQUEST") -> OutboxMessage:
    return OutboxMessage.objects.filter(to__icontains=email, calendar_method=method).order_by("-pk")[0]


def _kinfolk_view(group: SupervisionGroup) -> list[tuple[dt.datetime, dt.datetime]]:
    return sorted(
        (s.start.astimezone(dt.UTC), s.end.astimezone(dt.UTC)) for s in group.sessions.scheduled().order_by("start")
    )


def _diarise_over_a_bank_holiday(group: SupervisionGroup, gina: User) -> tuple[list[SupervisionSession], dt.date]:
    holiday = _next_weekday_bank_holiday()
    group.weekday = holiday.weekday()
    group.cadence_weeks = 1
    group.save()
    first = holiday - dt.timedelta(weeks=2)
    result = services.diarise_series(group=group, first_day=first, by=gina, until=holiday + dt.timedelta(weeks=3))
    return result.created, holiday


def test_a_diarised_year_reaches_each_person_as_one_recurring_invite_that_all_three_parsers_expand_alike(
    north_group: SupervisionGroup, gina: User, alice: User
) -> None:
    created, holiday = _diarise_over_a_bank_holiday(north_group, gina)
    assert len(created) == 6
    assert OutboxMessage.objects.filter(to__icontains=alice.email).count() == 1
    views = series_in_all_parsers(_latest(alice.email).calendar)
    seen = [(o.start, o.end) for o in views["icalendar"]["occurrences"]]
    assert seen == _kinfolk_view(north_group)
    # The bank holiday is an EXDATE and the day it moved to an RDATE: no session on the holiday.
    assert holiday not in {timezone.localtime(start).date() for start, _end in seen}
    assert "EXDATE" in _latest(alice.email).calendar and "RDATE" in _latest(alice.email).calendar


def test_moving_one_session_sends_an_exception_and_cancelling_one_cancels_only_that_instance(
    north_group: SupervisionGroup, gina: User, alice: User, bob: User
) -> None:
    created, _holiday = _diarise_over_a_bank_holiday(north_group, gina)
    series_uid = created[0].meeting.series.uid  # type: ignore[union-attr]
    moved, cancelled = created[1], created[3]
    new_start = moved.start + dt.timedelta(hours=3)
    services.move_session(session=moved, by=gina, start=new_start, end=new_start + dt.timedelta(hours=2))
    exception = exception_in_all_parsers(_latest(alice.email).calendar)
    assert exception["uid"] == series_uid
    assert exception["recurrence_id"] == created[1].meeting.recurrence_id  # type: ignore[union-attr]
    assert exception["start"] == new_start
    assert exception["sequence"] == 1
    services.cancel_session(session=cancelled, by=gina, reason="Training day")
    cancel = exception_in_all_parsers(_latest(alice.email, method="CANCEL").calendar)
    assert cancel["uid"] == series_uid
    assert cancel["recurrence_id"] == cancelled.start.astimezone(dt.UTC)
    # A member added now gets the whole series: the move as an exception, the cancellation as an EXDATE.
    services.add_member(group=north_group, user=bob, discipline=Discipline.DOMESTIC_ABUSE, by=gina)
    run_pending_membership_changes()
    assert OutboxMessage.objects.filter(to__icontains=bob.email).count() == 1
    views = series_in_all_parsers(_latest(bob.email).calendar)
    occurrences = views["ical.js"]["occurrences"]
    assert [(o.start, o.end) for o in occurrences] == _kinfolk_view(north_group)
    [shifted] = [o for o in occurrences if o.start == new_start]
    assert shifted.recurrence_id != shifted.start
    assert shifted.sequence >= views["ical.js"]["sequence"]
    assert cancelled.start.astimezone(dt.UTC) not in {o.start for o in occurrences}


def test_cancelling_every_session_from_a_date_sends_one_email_per_person(
    north_group: SupervisionGroup, gina: User, alice: User
) -> None:
    created, _holiday = _diarise_over_a_bank_holiday(north_group, gina)
    before = OutboxMessage.objects.count()
    people = north_group.members.count() + 0  # gina is coordinator and minute-taker, not a member
    count = cancel_sessions_from(
        group=north_group, by=gina, first_day=timezone.localtime(created[3].start).date(), reason="Group paused"
    )
    assert count == 3
    assert OutboxMessage.objects.count() - before == people + 1
    views = series_in_all_parsers(_latest(alice.email).calendar)
    assert [(o.start, o.end) for o in views["vobject"]["occurrences"]] == _kinfolk_view(north_group)
    assert len(views["vobject"]["occurrences"]) == 3
    for session in created[3:]:
        session.refresh_from_db()
        assert session.is_cancelled
        assert session.meeting is not None and session.meeting.status == MeetingStatus.CANCELLED


def test_moving_every_session_of_a_month_sends_one_email_per_person_and_resets_answers(
    north_group: SupervisionGroup, gina: User, alice: User
) -> None:
    created, _holiday = _diarise_over_a_bank_holiday(north_group, gina)
    first_day = timezone.localtime(created[2].start).date()
    last_day = timezone.localtime(created[4].start).date()
    before = OutboxMessage.objects.count()
    count = move_sessions_from(
        group=north_group, by=gina, first_day=first_day, last_day=last_day, days=1, start_time=dt.time(14, 0)
    )
    assert count == 3
    assert OutboxMessage.objects.count() - before == north_group.members.count() + 1
    views = series_in_all_parsers(_latest(alice.email).calendar)
    starts = [o.start for o in views["icalendar"]["occurrences"]]
    assert [(o.start, o.end) for o in views["icalendar"]["occurrences"]] == _kinfolk_view(north_group)
    moved = [timezone.localtime(s) for s in starts if timezone.localtime(s).hour == 14]
    assert len(moved) == 3


def test_cancelling_every_date_still_to_come_tells_everyone_even_when_earlier_dates_have_passed(
    north_group: SupervisionGroup, gina: User, alice: User
) -> None:
    created, _holiday = _diarise_over_a_bank_holiday(north_group, gina)
    first = created[0]
    type(first).objects.filter(pk=first.pk).update(
        start=timezone.now() - dt.timedelta(hours=3), end=timezone.now() - dt.timedelta(hours=2)
    )
    assert first.meeting is not None
    type(first.meeting).objects.filter(pk=first.meeting.pk).update(
        start=timezone.now() - dt.timedelta(hours=3), end=timezone.now() - dt.timedelta(hours=2)
    )
    before = OutboxMessage.objects.count()
    count = cancel_sessions_from(
        group=north_group, by=gina, first_day=timezone.localtime(created[1].start).date(), reason="Group closed"
    )
    assert count == 5
    assert OutboxMessage.objects.count() - before == north_group.members.count() + 1
    update = _latest(alice.email)
    assert update.calendar_method == "REQUEST"
    assert update.calendar.count("EXDATE") + update.calendar.count("RDATE") >= 5
