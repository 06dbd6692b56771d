"""The child's preparation sessions: proposed once the conference is booked and an ambassador has accepted,
confirmed into diary meetings, flagged when the conference moves, moved, cancelled and recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.localtime import local_datetime
from core.models import AuditEvent
from diary.models import MeetingAttendee, MeetingStatus
from diary.workdays import is_bank_holiday, previous_working_day
from fgc.models import ConferenceStatus, PreparationSession, PreparationVisit, ReferralStatus, SessionStatus
from fgc.services import booking, child_sessions
from fgc.services import preparation as services
from outbox.models import OutboxMessage
from tests.fgc.booking_helpers import book, slot
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.django_db

EVERY_EVENING = [(day, 2) for day in range(7)]
AMBASSADOR = "sam.ambassador@example.org"


@pytest.fixture
def voice(allocated_referral, fern, volunteer_scheme):
    child = allocated_referral.children.order_by("date_of_birth")[0]
    return services.request_ambassador(referral=allocated_referral, child=child, by=fern)


def not_a_bank_holiday(day: dt.date) -> dt.date:
    """`day`, or the first day after it that is not a bank holiday (so the tests pass at Christmas too)."""
    while is_bank_holiday(day):
        day += dt.timedelta(days=1)
    return day


def _state(voice):
    voice.refresh_from_db()
    return child_sessions.sessions_state(referral=voice.referral, voice=voice)


def _confirm_proposal(voice, fern) -> list[PreparationSession]:
    state = _state(voice)
    assert state.proposal is not None and state.proposal.problem == ""
    return child_sessions.confirm_sessions(voice=voice, by=fern, starts=state.proposal.starts)


def test_the_page_says_what_is_needed_first_until_there_is_a_match_and_a_conference(
    allocated_referral, fern, volunteer_scheme
) -> None:
    child = allocated_referral.children.order_by("date_of_birth")[0]
    nothing = child_sessions.sessions_state(referral=allocated_referral, voice=None)
    assert nothing.needed_first == child_sessions.NO_AMBASSADOR and nothing.proposal is None
    voice = services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    assert _state(voice).needed_first == child_sessions.NO_MATCH  # proposed or offered: not yet said yes
    volunteer_scheme.accept(slots=EVERY_EVENING)
    assert _state(voice).needed_first == child_sessions.NO_CONFERENCE
    with pytest.raises(ValidationError) as raised:
        child_sessions.confirm_sessions(voice=voice, by=fern, starts=[timezone.now() + dt.timedelta(days=2)] * 2)
    assert raised.value.messages == [child_sessions.NO_CONFERENCE]
    book(allocated_referral, make_venue(), **slot(days=21))
    state = _state(voice)
    assert state.needed_first == "" and state.proposal is not None and len(state.proposal.slots) == 3


def test_confirmed_sessions_are_diary_meetings_inviting_the_ambassador_and_coordinator_by_reference_only(
    allocated_referral, fern, volunteer_scheme, voice
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    conference = book(allocated_referral, make_venue(), **slot(days=21))
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    sessions = _confirm_proposal(voice, fern)
    assert [s.status for s in sessions] == [SessionStatus.PLANNED] * 3
    last_day = previous_working_day(timezone.localtime(conference.start).date())
    assert timezone.localtime(sessions[-1].start).date() <= last_day
    for n, session in enumerate(sessions, start=1):
        meeting = session.meeting
        assert meeting is not None and (meeting.start, meeting.end) == (session.start, session.end)
        assert meeting.title == f"FGC preparation session {n} of 3 – {allocated_referral.reference}"
        assert set(MeetingAttendee.objects.filter(meeting=meeting).values_list("email", flat=True)) == {
            AMBASSADOR,
            fern.email,
        }
    invites = OutboxMessage.objects.exclude(pk__in=before).filter(calendar_method="REQUEST")
    assert sorted(address for m in invites for address in m.to) == sorted([AMBASSADOR, fern.email] * 3)
    family = allocated_referral.family
    names = [family.family_name, *(c.first_name for c in family.children.all())]
    for message in invites:
        everything = message.subject + message.text + message.html + message.calendar
        assert allocated_referral.reference in everything
        assert not any(name in everything for name in names)
    event = AuditEvent.objects.get(object_type="fgc.PreparationSession", object_id=str(sessions[0].pk))
    assert "Sam" not in str(event.detail) and event.detail["referral"] == allocated_referral.reference


def test_the_coordinator_may_change_a_time_but_not_break_the_rule(
    allocated_referral, fern, volunteer_scheme, voice
) -> None:
    good_day = not_a_bank_holiday(timezone.localdate() + dt.timedelta(days=2))
    away_day = not_a_bank_holiday(good_day + dt.timedelta(days=2))
    volunteer_scheme.accept(slots=EVERY_EVENING, away=[(away_day, away_day)])
    conference = book(allocated_referral, make_venue(), **slot(days=21))
    conference_day = timezone.localtime(conference.start).date()
    good = local_datetime(good_day, dt.time(19, 0))
    on_the_day = local_datetime(conference_day, dt.time(18, 0))
    away = local_datetime(away_day, dt.time(18, 0))
    morning = local_datetime(not_a_bank_holiday(away_day + dt.timedelta(days=1)), dt.time(9, 0))
    with pytest.raises(ValidationError) as raised:
        child_sessions.confirm_sessions(voice=voice, by=fern, starts=[good, on_the_day, away, morning])
    assert raised.value.messages == ["Plan 2 or 3 sessions."]
    with pytest.raises(ValidationError) as raised:
        child_sessions.confirm_sessions(voice=voice, by=fern, starts=[good, on_the_day, away])
    errors = raised.value.message_dict
    assert sorted(errors) == ["session_2", "session_3"]
    assert "the last working day before the conference" in errors["session_2"][0]
    assert "Sam is away on" in errors["session_3"][0]
    with pytest.raises(ValidationError) as raised:
        child_sessions.confirm_sessions(voice=voice, by=fern, starts=[good, morning])
    assert "Sam is not free on" in raised.value.message_dict["session_2"][0]
    with pytest.raises(ValidationError) as raised:
        child_sessions.confirm_sessions(voice=voice, by=fern, starts=[good, good + dt.timedelta(hours=1)])
    assert "same day" in raised.value.messages[0]
    assert not PreparationSession.objects.exists()
    # Two hand-picked sessions are enough.
    later = local_datetime(not_a_bank_holiday(morning.date() + dt.timedelta(days=1)), dt.time(20, 0))
    assert len(child_sessions.confirm_sessions(voice=voice, by=fern, starts=[later, good])) == 2
    with pytest.raises(ValidationError, match="already planned"):
        child_sessions.confirm_sessions(voice=voice, by=fern, starts=[later, good])


def test_moving_the_conference_flags_the_sessions_after_it_for_replanning(
    allocated_referral, fern, volunteer_scheme, voice
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    conference = book(allocated_referral, make_venue(), **slot(days=21))
    sessions = _confirm_proposal(voice, fern)
    venue = conference.venue
    booking.rebook(conference=conference, by=fern, venue=venue, **slot(days=10))
    flagged = set(PreparationSession.objects.filter(needs_replanning=True).values_list("pk", flat=True))
    last_day = previous_working_day(timezone.localdate() + dt.timedelta(days=10))
    assert flagged == {s.pk for s in sessions if timezone.localtime(s.start).date() > last_day}
    assert flagged  # the latest session was in the third week

    state = _state(voice)
    late = PreparationSession.objects.get(pk=max(flagged))
    suggestion = child_sessions.suggest_new_time(session=late, state=state)
    assert suggestion is not None and timezone.localtime(suggestion).date() <= last_day
    moved = child_sessions.move_session(session=late, by=fern, start=suggestion)
    assert not moved.needs_replanning and moved.start == suggestion
    assert moved.meeting is not None and moved.meeting.sequence == 1 and moved.meeting.start == suggestion

    # Moved back to its first date: the sessions still flagged fit again and lose the flag.
    booking.rebook(conference=conference, by=fern, venue=venue, **slot(days=21))
    assert not PreparationSession.objects.filter(needs_replanning=True).exists()


def test_a_cancelled_session_withdraws_its_invites_and_needs_a_reason(
    allocated_referral, fern, volunteer_scheme, voice
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    book(allocated_referral, make_venue(), **slot(days=21))
    session = _confirm_proposal(voice, fern)[0]
    with pytest.raises(ValidationError) as raised:
        child_sessions.cancel_session(session=session, by=fern, reason=" ")
    assert "Say why" in raised.value.message_dict["reason"][0]
    child_sessions.cancel_session(session=session, by=fern, reason="The child is unwell.")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.meeting is not None
    assert session.meeting.status == MeetingStatus.CANCELLED
    cancels = OutboxMessage.objects.filter(calendar_method="CANCEL")
    assert sorted(a for m in cancels for a in m.to) == sorted([AMBASSADOR, fern.email])
    assert not any("unwell" in m.text + m.html + m.calendar for m in cancels)
    with pytest.raises(ValidationError, match="cannot be moved"):
        child_sessions.move_session(session=session, by=fern, start=session.start)


def test_a_held_session_is_recorded_once_it_has_started_and_joins_the_preparation_visits(
    allocated_referral, fern, volunteer_scheme, voice, monkeypatch
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    book(allocated_referral, make_venue(), **slot(days=21))
    first, second, _third = _confirm_proposal(voice, fern)
    with pytest.raises(ValidationError, match="once it has started"):
        child_sessions.record_outcome(session=first, by=fern, held=True)
    after_the_second = second.end + dt.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: after_the_second)
    held = child_sessions.record_outcome(session=first, by=fern, held=True)
    assert held.status == SessionStatus.HELD and held.visit is not None
    visit = PreparationVisit.objects.get()
    assert (visit.child_id, visit.visited_on) == (voice.child_id, timezone.localtime(first.start).date())
    assert child_sessions.record_outcome(session=second, by=fern, held=False).status == SessionStatus.NOT_HELD
    assert PreparationVisit.objects.count() == 1
    with pytest.raises(ValidationError, match="already recorded"):
        child_sessions.record_outcome(session=first, by=fern, held=False)


def test_once_the_conference_is_held_nothing_more_is_asked_for(
    allocated_referral, fern, volunteer_scheme, voice
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    conference = book(allocated_referral, make_venue(), **slot(days=21))
    _confirm_proposal(voice, fern)
    conference.status = ConferenceStatus.HELD
    conference.save()
    allocated_referral.status = ReferralStatus.HELD
    allocated_referral.save()
    state = _state(voice)
    assert state.needed_first == "" and state.proposal is None and len(state.planned) == 3
