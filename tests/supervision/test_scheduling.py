"""diarise_series, schedule_session, move_session, cancel_session and invitations for members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.models import MeetingStatus
from diary.workdays import is_working_day
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import (
    Discipline,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
)
from supervision.tasks import run_pending_membership_changes
from tests.supervision import factories as gcs


def _invites_to(email: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to__icontains=email, calendar_method="REQUEST"))


def test_it_plans_a_year_at_the_cadence_and_moves_bank_holidays_to_the_next_working_day(
    north_group: SupervisionGroup,
) -> None:
    # Mondays every 4 weeks from 5 Jan 2026 meet the spring bank holiday on 25 May (and no other).
    north_group.weekday = 0
    plan = services.plan_series(group=north_group, first_day=dt.date(2026, 1, 5))
    assert len(plan) == 14  # 5 Jan 2026 to 4 Jan 2027
    assert [p.usual_day for p in plan][:3] == [dt.date(2026, 1, 5), dt.date(2026, 2, 2), dt.date(2026, 3, 2)]
    assert all(is_working_day(p.day) for p in plan)
    moved = {p.usual_day: p for p in plan if p.moved}
    assert list(moved) == [dt.date(2026, 5, 25)]
    assert moved[dt.date(2026, 5, 25)].day == dt.date(2026, 5, 26)
    assert moved[dt.date(2026, 5, 25)].note == (
        "Moved from Monday 25 May 2026 (a bank holiday) to Tuesday 26 May 2026."
    )


def test_a_fortnightly_series_skips_christmas_and_boxing_day(north_group: SupervisionGroup) -> None:
    north_group.cadence_weeks = 2
    north_group.weekday = 4
    plan = services.plan_series(
        group=north_group, first_day=dt.date(2026, 12, 11), until=dt.date(2026, 12, 31)
    )  # Fridays: 11 Dec, 25 Dec (Christmas) -> Tue 29 Dec (28th is the Boxing Day substitute)
    assert [p.day for p in plan] == [dt.date(2026, 12, 11), dt.date(2026, 12, 29)]


def test_diarising_a_year_creates_sessions_with_invites_to_every_member(
    north_group: SupervisionGroup, alice: User, mo: User, gina: User
) -> None:
    first = gcs.working_day_from_today(7)
    result = services.diarise_series(group=north_group, first_day=first, by=gina)
    assert len(result.created) in {13, 14}  # a year at every 4 weeks
    session = result.created[0]
    assert session.meeting is not None
    assert {a.email for a in session.meeting.attendees.current()} >= {alice.email, mo.email, gina.email}
    # One recurring invite per person for the whole year, not one per session.
    assert len(_invites_to(alice.email)) == 1
    assert session.papers_due_at < session.start


def test_diarising_again_does_not_duplicate_sessions(north_group: SupervisionGroup, gina: User) -> None:
    first = gcs.working_day_from_today(7)
    services.diarise_series(group=north_group, first_day=first, by=gina, until=first + dt.timedelta(days=60))
    again = services.diarise_series(group=north_group, first_day=first, by=gina, until=first + dt.timedelta(days=60))
    assert again.created == []
    assert len(again.already_diarised) == north_group.sessions.count()


def test_it_refuses_to_diarise_in_the_past(north_group: SupervisionGroup, gina: User) -> None:
    with pytest.raises(ValidationError):
        services.diarise_series(group=north_group, first_day=timezone.localdate() - dt.timedelta(days=1), by=gina)


def test_moving_a_session_sends_an_update_with_a_higher_sequence(
    upcoming: SupervisionSession, gina: User, alice: User
) -> None:
    assert upcoming.meeting is not None
    new_start = upcoming.start + dt.timedelta(days=1)
    services.move_session(
        session=upcoming, start=new_start, end=new_start + dt.timedelta(hours=2), by=gina, reason="Room"
    )
    upcoming.meeting.refresh_from_db()
    assert upcoming.meeting.start == new_start
    assert upcoming.meeting.sequence == 1
    assert len(_invites_to(alice.email)) == 2


def test_cancelling_a_session_cancels_the_meeting_in_everyones_calendar(
    upcoming: SupervisionSession, gina: User, alice: User
) -> None:
    services.cancel_session(session=upcoming, by=gina, reason="Training day")
    upcoming.refresh_from_db()
    assert upcoming.status == SessionStatus.CANCELLED
    assert upcoming.meeting is not None and upcoming.meeting.status == MeetingStatus.CANCELLED
    assert OutboxMessage.objects.filter(to__icontains=alice.email, calendar_method="CANCEL").exists()


def test_a_member_added_is_invited_and_a_member_removed_gets_cancellations(
    north_group: SupervisionGroup, upcoming: SupervisionSession, gina: User, bob: User, alice: User
) -> None:
    later = gcs.make_session(group=north_group, day=gcs.working_day_from_today(42))
    services.add_member(group=north_group, user=bob, discipline=Discipline.DOMESTIC_ABUSE, by=gina)
    assert _invites_to(bob.email) == []  # the page answers at once; the worker sends them
    run_pending_membership_changes()
    assert len(_invites_to(bob.email)) == 2
    member = north_group.members.get(user=alice)
    services.remove_member(member=member, by=gina)
    run_pending_membership_changes()
    cancels = OutboxMessage.objects.filter(to__icontains=alice.email, calendar_method="CANCEL")
    assert cancels.count() == 2
    assert later.meeting is not None
    assert not later.meeting.attendees.filter(removed_at__isnull=True, email=alice.email).exists()


def _next_weekday_bank_holiday() -> dt.date:
    from diary.workdays import is_bank_holiday

    day = timezone.localdate() + dt.timedelta(days=1)
    while not (is_bank_holiday(day) and day.weekday() < 5):
        day += dt.timedelta(days=1)
    return day


def test_a_series_starts_on_the_groups_usual_weekday(north_group: SupervisionGroup) -> None:
    north_group.weekday = 1  # Tuesday
    plan = services.plan_series(
        group=north_group, first_day=dt.date(2027, 3, 1), until=dt.date(2027, 4, 30)
    )  # a Monday
    assert [p.usual_day for p in plan] == [dt.date(2027, 3, 2), dt.date(2027, 3, 30), dt.date(2027, 4, 27)]
    assert all(p.day.weekday() == 1 for p in plan)


def test_the_diarise_preview_says_the_first_date_moved_to_the_usual_weekday(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    first = timezone.localdate() + dt.timedelta(days=7)
    north_group.weekday = (first.weekday() + 1) % 5
    north_group.save()
    body = (
        client_for(gina)
        .get(f"/gcs/groups/{north_group.pk}/diarise/", {"first_day": first.isoformat()})
        .content.decode()
    )
    usual = services.plan_series(group=north_group, first_day=first)[0].usual_day
    assert usual != first
    assert (
        f"{first:%A %-d %B %Y} is not the group&#x27;s usual day, so the series starts on {usual:%A %-d %B %Y}." in body
    )


def test_diarising_on_the_page_says_which_sessions_moved_off_a_bank_holiday(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    holiday = _next_weekday_bank_holiday()
    north_group.weekday = holiday.weekday()
    north_group.save()
    client = client_for(gina)
    preview = client.get(f"/gcs/groups/{north_group.pk}/diarise/", {"first_day": holiday.isoformat()}).content.decode()
    note = f"Moved from {holiday:%A %-d %B %Y} (a bank holiday)"
    assert note in preview
    response = client.post(
        f"/gcs/groups/{north_group.pk}/diarise/",
        {"first_day": holiday.isoformat(), "until": (holiday + dt.timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert note in response.content.decode()
    session = north_group.sessions.get()
    assert timezone.localtime(session.start).date() != holiday
    assert session.schedule_note.startswith(note)


def test_the_room_of_a_session_under_way_can_be_changed(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    session = gcs.make_session(group=north_group)
    # Mid-morning on a working day, whatever the wall clock says: a session "under way"
    # at 00:10 would have started yesterday, and the form's one day could not hold it.
    now = local_datetime(gcs.working_day_from_today(7), dt.time(11, 0))
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    start = now - dt.timedelta(minutes=30)
    SupervisionSession.objects.filter(pk=session.pk).update(start=start, end=start + dt.timedelta(hours=2))
    session.refresh_from_db()
    local_start, local_end = timezone.localtime(session.start), timezone.localtime(session.end)
    response = client_for(gina).post(
        f"/gcs/sessions/{session.pk}/edit/",
        {
            "day": local_start.date().isoformat(),
            "start_time": f"{local_start:%H:%M}",
            "end_time": f"{local_end:%H:%M}",
            "location": "Room 2 (the projector broke)",
            "online_url": "",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.location == "Room 2 (the projector broke)"
    assert session.meeting is not None and session.meeting.location == "Room 2 (the projector broke)"
    with pytest.raises(ValidationError, match="into the past"):
        services.move_session(session=session, start=start - dt.timedelta(hours=1), by=gina)


def test_moving_and_cancelling_audit_whether_a_reason_was_given_but_not_the_reason(
    upcoming: SupervisionSession, gina: User
) -> None:
    from core.models import AuditEvent

    new_start = upcoming.start + dt.timedelta(days=1)
    services.move_session(
        session=upcoming, start=new_start, end=new_start + dt.timedelta(hours=2), by=gina, reason="Smith family crisis"
    )
    services.cancel_session(session=upcoming, by=gina, reason="Jones family court date")
    events = AuditEvent.objects.filter(object_type="supervision.SupervisionSession", object_id=str(upcoming.pk))
    assert events.filter(detail__reason_given=True).exists()
    assert events.filter(detail__cancelled=True).exists()
    for event in events:
        assert "Smith" not in str(event.detail) and "Jones" not in str(event.detail)


def _next_clock_change(month: int) -> dt.date:
    """The next last Sunday of March (3) or October (10): a day the clocks change."""
    year = timezone.localdate().year
    while True:
        last = dt.date(year, month, 31)
        sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
        if sunday > timezone.localdate():
            return sunday
        year += 1


def _edit(client: Client, session: SupervisionSession, day: dt.date, start: str, end: str) -> Any:
    return client.post(
        f"/gcs/sessions/{session.pk}/edit/",
        {"day": day.isoformat(), "start_time": start, "end_time": end, "location": "", "online_url": ""},
    )


def test_the_session_form_refuses_a_time_the_clocks_skip_or_repeat_on_its_field(
    upcoming: SupervisionSession, gina: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(gina)
    spring, autumn = _next_clock_change(3), _next_clock_change(10)
    skipped = _edit(client, upcoming, spring, "01:30", "03:00")
    assert skipped.status_code == 200
    assert skipped.context["form"].errors == {
        "start_time": [
            f"1:30am on {spring:%-d %B %Y} does not exist: the clocks go forward an hour at 1am. "
            "Choose a time before 1am or from 2am."
        ]
    }
    repeated = _edit(client, upcoming, autumn, "00:30", "01:15")
    assert repeated.context["form"].errors == {
        "end_time": [
            f"1:15am on {autumn:%-d %B %Y} happens twice: the clocks go back an hour at 2am. "
            "Choose a time before 1am or from 2am."
        ]
    }
    assert "the clocks go back an hour" in repeated.content.decode()
    before = (upcoming.start, upcoming.end)
    upcoming.refresh_from_db()
    assert (upcoming.start, upcoming.end) == before
    assert upcoming.meeting is not None and upcoming.meeting.sequence == 0


def test_a_session_moved_across_the_clock_change_keeps_the_times_typed(
    upcoming: SupervisionSession, gina: User, client_for: Callable[[User], Client]
) -> None:
    spring = _next_clock_change(3)
    assert _edit(client_for(gina), upcoming, spring, "00:30", "03:00").status_code == 302
    upcoming.refresh_from_db()
    start, end = timezone.localtime(upcoming.start), timezone.localtime(upcoming.end)
    assert (start.date(), f"{start:%H:%M}", f"{end:%H:%M}") == (spring, "00:30", "03:00")
    assert upcoming.end - upcoming.start == dt.timedelta(hours=1, minutes=30)  # an hour of it never happens


def test_a_time_the_session_service_refuses_is_shown_on_the_field_it_is_about(
    upcoming: SupervisionSession, gina: User, client_for: Callable[[User], Client]
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = _edit(client_for(gina), upcoming, yesterday, "10:00", "12:00")
    assert response.status_code == 200
    assert response.context["form"].errors == {"start_time": ["A session cannot be moved into the past."]}


def test_a_session_that_would_end_before_it_starts_is_refused_on_its_end(
    upcoming: SupervisionSession, gina: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.move_session(session=upcoming, start=upcoming.end, end=upcoming.start, by=gina)
    assert refused.value.message_dict == {"end": ["The session must end after it starts."]}


def test_a_reason_typed_for_a_move_is_on_the_session_page_and_never_in_the_emails(
    upcoming: SupervisionSession, gina: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    reason = "Mrs Okonkwo is in hospital"
    start = timezone.localtime(upcoming.start) + dt.timedelta(days=1)
    response = client_for(gina).post(
        f"/gcs/sessions/{upcoming.pk}/edit/",
        {
            "day": start.date().isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
            "location": "Room 4",
            "online_url": "",
            "reason": reason,
        },
    )
    assert response.status_code == 302
    page = client_for(alice).get(f"/gcs/sessions/{upcoming.pk}/").content.decode()
    assert "Reason for the last change" in page and reason in page
    services.cancel_session(session=upcoming, by=gina, reason="Okonkwo family court date")
    sent = OutboxMessage.objects.filter(to__icontains=alice.email, template__in=["meeting_update", "meeting_cancelled"])
    assert sent.count() == 2
    for message in sent:
        for text in (message.subject, message.text, message.html, message.calendar):
            assert "Okonkwo" not in text and "hospital" not in text and "court" not in text
        assert "A reason was given" in message.text
