"""The review conference goes through the booking service: never double-booked, moved to a free day or by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from diary.models import MeetingStatus
from diary.workdays import add_working_days
from families.models import Family
from fgc.models import Conference, ConferenceKind, ConferenceStatus, FamilyPlan, Referral, ReferralStatus
from fgc.services import booking, referrals, review
from outbox.models import OutboxMessage
from tests.fgc.booking_helpers import allocated, coordinator, slot
from tests.fgc.conference_helpers import booked_conference, held_awaiting_review, record
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(north_family: Family, alice: User, fern: User) -> Conference:
    return booked_conference(family=north_family, referrer=alice, coordinator=fern)


def _take(referral: Referral, venue_name: str, day: dt.date, like: Conference) -> Conference:
    """Book a first conference for `referral` on `day` at the time `like` would have its review."""
    booked = review.review_slot(like, day)
    assert referral.coordinator is not None
    return booking.book(
        referral=referral,
        by=referral.coordinator,
        venue=booked.venue if venue_name == "" else make_venue(venue_name),
        **booked.times(),
    )


def _day(conference: Conference | None) -> dt.date:
    assert conference is not None
    return timezone.localtime(conference.start).date()


def test_when_the_coordinator_is_taken_the_review_goes_to_the_next_free_working_day_and_they_are_told(
    conference, alice, fern, north_family
) -> None:
    wanted = review.first_review_day(conference)
    # Fern has other conferences at that time on the day proposed and the working day after, elsewhere.
    for n in (0, 1):
        _take(allocated(north_family, alice, fern), f"Room {n}", add_working_days(wanted, n), like=conference)
    plan = record(conference, by=fern)
    booked = booking.current_review(conference.referral)
    assert _day(booked) == add_working_days(wanted, 2)
    mine = Conference.objects.filter(coordinator=fern, status=ConferenceStatus.BOOKED)
    for one in mine:
        assert not mine.exclude(pk=one.pk).filter(start__lt=one.end, end__gt=one.start).exists()
    state = review.review_booking_state(plan)
    assert state.moved and state.wanted == wanted
    (told,) = OutboxMessage.objects.filter(idempotency_key=f"fgc:review-proposed:{plan.pk}")
    assert told.to == [fern.email]
    assert f"booked for {add_working_days(wanted, 2):%-d %B %Y}" in told.text
    assert "Grandma" not in told.text and north_family.family_name not in told.text


def test_when_the_room_is_taken_by_another_coordinator_the_review_goes_to_the_next_free_working_day(
    conference, alice, fern, north_family
) -> None:
    wanted = review.first_review_day(conference)
    colin = coordinator()
    _take(allocated(north_family, alice, colin), "", wanted, like=conference)  # the same venue
    record(conference, by=fern)
    booked = booking.current_review(conference.referral)
    assert _day(booked) == add_working_days(wanted, 1)
    assert booked is not None and booked.venue == conference.venue


def test_no_free_day_ahead_books_nothing_and_asks_the_coordinator_to_book_it(
    conference, alice, fern, north_family, monkeypatch
) -> None:
    monkeypatch.setattr(review, "LOOK_AHEAD_WORKING_DAYS", 2)
    wanted = review.first_review_day(conference)
    for n in (0, 1):
        _take(allocated(north_family, alice, fern), f"Room {n}", add_working_days(wanted, n), like=conference)
    plan = record(conference, by=fern)  # the conference is still recorded
    assert plan.conference.status == ConferenceStatus.HELD
    assert booking.current_review(conference.referral) is None
    (told,) = OutboxMessage.objects.filter(idempotency_key=f"fgc:review-proposed:{plan.pk}")
    assert "needs booking" in told.text and "you or the venue already had a conference" in told.text
    assert booking.not_bookable(Referral.objects.get(pk=conference.referral_id), ConferenceKind.REVIEW) == ""


def test_a_venue_taken_out_of_use_books_no_review_and_the_coordinator_chooses_another(conference, fern) -> None:
    booking.set_venue_active(venue=conference.venue, active=False, by=fern)
    plan = record(conference, by=fern)
    assert booking.current_review(conference.referral) is None
    told = OutboxMessage.objects.get(idempotency_key=f"fgc:review-proposed:{plan.pk}")
    assert "no longer in use" in told.text
    booked = booking.book(
        referral=conference.referral, by=fern, venue=make_venue("Room B"), kind=ConferenceKind.REVIEW, **slot(days=90)
    )
    assert booked.kind == ConferenceKind.REVIEW


def test_the_booking_service_refuses_a_review_that_would_double_book_the_coordinator_or_the_room(
    alice, fern, north_family
) -> None:
    plan = held_awaiting_review(family=north_family, referrer=alice, coordinator=fern)
    referral = plan.conference.referral
    room = make_venue("Room A")
    booking.book(referral=allocated(north_family, alice, fern), by=fern, venue=room, **slot(days=90))
    with pytest.raises(booking.DoubleBooked) as raised:
        booking.book(
            referral=referral, by=fern, venue=make_venue("Room B"), kind=ConferenceKind.REVIEW, **slot(days=90, hour=11)
        )
    assert booking.COORDINATOR_BUSY in raised.value.message_dict["start"]
    colin = coordinator()
    booking.book(referral=allocated(north_family, alice, colin), by=colin, venue=room, **slot(days=91))
    with pytest.raises(booking.DoubleBooked) as raised:
        booking.book(referral=referral, by=fern, venue=room, kind=ConferenceKind.REVIEW, **slot(days=91, hour=12))
    assert booking.VENUE_BUSY in raised.value.message_dict["venue"]
    assert not Conference.objects.filter(kind=ConferenceKind.REVIEW).exists()
    # And a first conference cannot take a booked review's time either.
    booked = booking.book(referral=referral, by=fern, venue=room, kind=ConferenceKind.REVIEW, **slot(days=92))
    with pytest.raises(booking.DoubleBooked):
        booking.book(referral=allocated(north_family, alice, fern), by=fern, venue=room, **slot(days=92, hour=11))
    assert booked.meeting is not None and len(booked.meeting.reminder_rules) == 2


def test_a_review_is_booked_only_after_the_conference_is_held_and_only_once(alice, fern, north_family) -> None:
    referral = allocated(north_family, alice, fern)
    with pytest.raises(ValidationError, match="a review conference cannot be booked now"):
        booking.book(referral=referral, by=fern, venue=make_venue(), kind=ConferenceKind.REVIEW, **slot(days=90))
    plan = held_awaiting_review(family=north_family, referrer=alice, coordinator=fern)
    room = make_venue("Room B")
    booking.book(referral=plan.conference.referral, by=fern, venue=room, kind=ConferenceKind.REVIEW, **slot(days=90))
    with pytest.raises(ValidationError, match="already booked"):
        booking.book(
            referral=plan.conference.referral, by=fern, venue=room, kind=ConferenceKind.REVIEW, **slot(days=95)
        )
    # A first conference is still what a preparing referral books: the review does not count as one.
    assert booking.current_conference(plan.conference.referral) is None


def test_moving_and_cancelling_the_review_keeps_the_referral_held_and_frees_the_slot(alice, fern, north_family) -> None:
    plan = held_awaiting_review(family=north_family, referrer=alice, coordinator=fern)
    referral = plan.conference.referral
    room = make_venue("Room B")
    booked = booking.book(referral=referral, by=fern, venue=room, kind=ConferenceKind.REVIEW, **slot(days=90))
    later = slot(days=97, hour=14)
    booking.rebook(conference=booked, by=fern, venue=room, **later)
    assert booked.meeting is not None
    booked.meeting.refresh_from_db()
    assert booked.meeting.start == later["start"]
    due = sorted(r.due_at for r in booked.meeting.reminders.filter(user=fern))
    assert len(due) == 2 and all(d < later["start"] for d in due)  # the reminders moved with it
    booking.cancel(conference=booked, by=fern, reason="The family asked for another day.")
    booked.meeting.refresh_from_db()
    assert booked.meeting.status == MeetingStatus.CANCELLED
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.HELD
    other = allocated(north_family, alice, fern)
    booking.book(referral=other, by=fern, venue=room, **later)  # the slot is free again
    again = booking.book(referral=referral, by=fern, venue=room, kind=ConferenceKind.REVIEW, **slot(days=98))
    assert again.status == ConferenceStatus.BOOKED


def test_closing_the_referral_cancels_its_booked_review(alice, fern, north_family) -> None:
    plan = held_awaiting_review(family=north_family, referrer=alice, coordinator=fern)
    referral = plan.conference.referral
    booked = booking.book(
        referral=referral, by=fern, venue=make_venue("Room B"), kind=ConferenceKind.REVIEW, **slot(days=90)
    )
    referrals.close(referral=referral, by=fern, reason="The family moved away.")
    booked.refresh_from_db()
    assert booked.status == ConferenceStatus.CANCELLED
    assert FamilyPlan.objects.get(pk=plan.pk).conference.status == ConferenceStatus.HELD


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_clash_only_the_database_sees_still_moves_the_review_to_the_next_free_day(
    alice, fern, north_family, monkeypatch
) -> None:
    """Were the service's check ever bypassed, the exclusion constraint refuses and the proposal tries the next day.

    Each try is a savepoint: the refused insert leaves the conference's record (one transaction) usable.
    """
    conference = booked_conference(family=north_family, referrer=alice, coordinator=fern)
    wanted = review.first_review_day(conference)
    _take(allocated(north_family, alice, fern), "Room 0", wanted, like=conference)
    monkeypatch.setattr(booking, "_check", lambda **_: None)  # only the database guards now
    plan = record(conference, by=fern)
    assert _day(booking.current_review(conference.referral)) == add_working_days(wanted, 1)
    assert FamilyPlan.objects.get(pk=plan.pk).conference.status == ConferenceStatus.HELD
