"""One recurring invite per person for a diarised year, its exceptions, and bulk changes.

Every recurring invite is read by icalendar, vobject and ical.js, which must
agree with each other and with Kinfolk on every occurrence.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from diary.models import MeetingStatus
from diary.workdays import is_bank_holiday
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import Discipline, SupervisionGroup, SupervisionSession
from supervision.services import membership
from supervision.services.common import invitees
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


def test_a_member_taken_off_after_sessions_have_passed_keeps_them_and_undo_brings_the_rest_back(
    north_group: SupervisionGroup, gina: User, alice: User, sam: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    created, _holiday = _diarise_over_a_bank_holiday(north_group, gina)
    # The first session (the series' DTSTART) cancelled, the second moved on its own; the third is the
    # day the bank holiday's session moved to (an RDATE). All three are over when sam is taken off.
    services.cancel_session(session=created[0], by=gina, reason="Training day")
    new_start = created[1].start + dt.timedelta(hours=3)
    services.move_session(session=created[1], by=gina, start=new_start, end=new_start + dt.timedelta(hours=2))
    for session in created:
        session.refresh_from_db()
    now = created[2].end + dt.timedelta(hours=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    before = {p.email: OutboxMessage.objects.filter(to__icontains=p.email).count() for p in (sam, alice, gina)}
    everyone_before = OutboxMessage.objects.count()

    removal = services.remove_member(member=north_group.members.get(user=sam), by=gina)
    run_pending_membership_changes()
    # One email to sam, and the updated series to each of the others as before.
    assert OutboxMessage.objects.filter(to__icontains=sam.email).count() == before[sam.email] + 1
    assert OutboxMessage.objects.count() - everyone_before == 1 + len(invitees(north_group))
    ended = OutboxMessage.objects.filter(to__icontains=sam.email).latest("pk")
    assert (ended.template, ended.calendar_method) == ("meeting_series_ended", "REQUEST")
    views = series_in_all_parsers(ended.calendar)
    past = created[1:3]
    assert [(o.start, o.end) for o in views["vobject"]["occurrences"]] == [
        (s.start.astimezone(dt.UTC), s.end.astimezone(dt.UTC)) for s in past
    ]
    assert new_start in {o.start for o in views["vobject"]["occurrences"]}
    assert created[0].start.astimezone(dt.UTC) not in {o.recurrence_id for o in views["ical.js"]["occurrences"]}
    assert "RDATE" in ended.calendar and "The 2 past meetings you were invited to" in ended.text
    for person in (alice, gina):
        assert OutboxMessage.objects.filter(to__icontains=person.email).count() == before[person.email] + 1
        theirs = series_in_all_parsers(_latest(person.email).calendar)["ical.js"]
        assert [(o.start, o.end) for o in theirs["occurrences"]] == _kinfolk_view(north_group)

    # Undo: sam is sent the whole series again, newer than the one that ended, with the sessions to come.
    membership.restore_member(change=removal.change, by=gina)
    run_pending_membership_changes()
    back = _latest(sam.email)
    assert back.pk != ended.pk and back.template == "meeting_series"
    restored = series_in_all_parsers(back.calendar)
    assert restored["icalendar"]["sequence"] > views["icalendar"]["sequence"]
    seen = [(o.start, o.end) for o in restored["ical.js"]["occurrences"]]
    assert seen == _kinfolk_view(north_group)
    assert [start for start, _end in seen if start > now] == [s.start.astimezone(dt.UTC) for s in created[3:]]
