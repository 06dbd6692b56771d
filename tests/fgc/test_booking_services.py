"""Booking the conference: invites for information sharing only, no double-booking, moving and cancelling."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from diary.models import MeetingAttendee, MeetingStatus
from fgc.models import Conference, ConferenceKind, ConferenceStatus, Referral, ReferralStatus, Venue
from fgc.services import booking
from outbox.models import OutboxMessage
from tests.fgc.booking_helpers import Slot, allocated, book, coordinator, slot
from tests.fgc.conference_helpers import held_awaiting_review
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.django_db


def test_booking_moves_the_referral_to_booked_and_invites_professionals_to_information_sharing_only(
    alice, fern, gina, north_family
) -> None:
    referral = allocated(north_family, alice, fern)
    times = slot()
    conference = booking.book(referral=referral, by=fern, venue=make_venue(), professionals=[gina], **times)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED
    meeting = conference.meeting
    assert meeting is not None
    assert (meeting.start, meeting.end) == (times["start"], times["information_sharing_ends_at"])
    invited = set(MeetingAttendee.objects.filter(meeting=meeting).values_list("user__email", flat=True))
    assert invited == {fern.email, alice.email, gina.email}
    assert referral.reference in meeting.title
    invites = OutboxMessage.objects.filter(to__icontains=gina.email)
    assert invites.exists()
    names = [north_family.family_name, *[c.first_name for c in north_family.children.all()]]
    for message in invites:
        assert not any(name in message.subject + message.text for name in names)


def test_a_coordinator_is_never_booked_for_two_conferences_at_once(alice, fern, north_family) -> None:
    first = allocated(north_family, alice, fern)
    second = allocated(north_family, alice, fern)
    book(first, make_venue("Room A"), **slot(hour=10))
    with pytest.raises(ValidationError) as raised:
        book(second, make_venue("Room B"), **slot(hour=12))
    assert booking.COORDINATOR_BUSY in raised.value.message_dict["start"]
    # Back to back is fine: the first ends at 13:00.
    book(second, make_venue("Room C"), **slot(hour=13))
    assert Conference.objects.filter(coordinator=fern, status=ConferenceStatus.BOOKED).count() == 2


def test_a_venue_is_never_booked_for_two_conferences_at_once(alice, fern, north_family) -> None:
    room = make_venue()
    book(allocated(north_family, alice, fern), room, **slot(hour=10))
    other = allocated(north_family, alice, coordinator())
    with pytest.raises(ValidationError) as raised:
        book(other, room, **slot(hour=11))
    assert booking.VENUE_BUSY in raised.value.message_dict["venue"]


def test_moving_the_conference_updates_the_invite_and_never_clashes_with_itself(alice, fern, north_family) -> None:
    referral = allocated(north_family, alice, fern)
    conference = book(referral, make_venue())
    later = slot(hour=11)
    moved = booking.rebook(conference=conference, by=fern, venue=conference.venue, **later)
    assert moved.start == later["start"]
    meeting = moved.meeting
    assert meeting is not None
    meeting.refresh_from_db()
    assert (meeting.start, meeting.end) == (later["start"], later["information_sharing_ends_at"])
    assert meeting.status == MeetingStatus.SCHEDULED
    clash = book(allocated(north_family, alice, coordinator()), make_venue("Room B"), **slot(days=12))
    with pytest.raises(ValidationError):
        booking.rebook(conference=conference, by=fern, venue=clash.venue, **slot(days=12, hour=12))


def test_cancelling_withdraws_the_invite_frees_the_slot_and_returns_to_preparation(alice, fern, north_family) -> None:
    referral = allocated(north_family, alice, fern)
    room = make_venue()
    conference = book(referral, room)
    booking.cancel(conference=conference, by=fern, reason="The family asked for another day.")
    referral.refresh_from_db()
    meeting = conference.meeting
    assert meeting is not None
    meeting.refresh_from_db()
    assert referral.status == ReferralStatus.PREPARING
    assert meeting.status == MeetingStatus.CANCELLED
    again = book(referral, room)
    assert again.status == ConferenceStatus.BOOKED


def test_a_booking_is_refused_in_the_past_outside_its_stage_times_or_at_a_closed_venue(
    alice, fern, north_family
) -> None:
    referral = allocated(north_family, alice, fern)
    room = make_venue()
    with pytest.raises(ValidationError):
        book(referral, room, **slot(days=-2))
    bad = slot()
    bad["information_sharing_ends_at"] = bad["end"] + dt.timedelta(minutes=30)
    with pytest.raises(ValidationError) as raised:
        book(referral, room, **bad)
    assert "information_sharing_ends_at" in raised.value.message_dict
    booking.set_venue_active(venue=room, active=False, by=fern)
    with pytest.raises(ValidationError) as raised:
        book(referral, room)
    assert "venue" in raised.value.message_dict
    assert not Conference.objects.exists()


def test_a_referral_not_yet_allocated_cannot_be_booked(alice, north_family) -> None:
    from tests.fgc.factories import make_referral

    referral = make_referral(family=north_family, referred_by=alice)
    with pytest.raises(ValidationError):
        booking.book(referral=referral, by=alice, venue=make_venue(), **slot())


ROUNDS = 5
THREADS = 4


def _race(attempts: list[tuple[Referral, Venue]], times: Slot, *, reviews: Sequence[Referral] = ()) -> list[str]:
    """Every attempt books at the same moment: a first conference, or (for `reviews`) the referral's review."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def attempt(referral: Referral, venue: Venue) -> None:
        kind = ConferenceKind.REVIEW if referral in reviews else ConferenceKind.INITIAL
        try:
            barrier.wait()
            assert referral.coordinator is not None
            booking.book(referral=referral, by=referral.coordinator, venue=venue, kind=kind, **times)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_coordinator_book_exactly_one_each_time(alice, fern, north_family) -> None:
    for round_ in range(ROUNDS):
        attempts = [(allocated(north_family, alice, fern), make_venue(f"Room {round_}-{n}")) for n in range(THREADS)]
        outcomes = _race(attempts, slot(days=10 + round_))
        assert sorted(outcomes) == ["booked"] + ["refused"] * (THREADS - 1)
    assert Conference.objects.filter(status=ConferenceStatus.BOOKED).count() == ROUNDS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_venue_book_exactly_one_each_time(alice, north_family) -> None:
    for round_ in range(ROUNDS):
        room = make_venue(f"Room {round_}")
        attempts = [
            (allocated(north_family, alice, coordinator(f"c{round_}-{n}@example.gov.uk")), room) for n in range(THREADS)
        ]
        outcomes = _race(attempts, slot(days=10 + round_))
        assert sorted(outcomes) == ["booked"] + ["refused"] * (THREADS - 1)
    assert Conference.objects.filter(status=ConferenceStatus.BOOKED).count() == ROUNDS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_review_racing_first_conferences_for_one_coordinator_or_room_never_double_books(
    alice, fern, north_family
) -> None:
    """The review goes through the same locks and constraints: against first conferences, one booking wins."""
    for round_ in range(ROUNDS):
        # One coordinator: fern's review against her first conferences, each in a room of its own.
        fern_review = held_awaiting_review(family=north_family, referrer=alice, coordinator=fern).conference.referral
        firsts = [allocated(north_family, alice, fern) for _ in range(1, THREADS)]
        attempts = [(r, make_venue(f"Room {round_}-{n}")) for n, r in enumerate((fern_review, *firsts))]
        outcomes = _race(attempts, slot(days=90 + round_), reviews=[fern_review])
        assert sorted(outcomes) == ["booked"] + ["refused"] * (THREADS - 1)
        # One room: another coordinator's review against other coordinators' first conferences there.
        colin = coordinator(f"colin{round_}@example.gov.uk")
        colin_review = held_awaiting_review(family=north_family, referrer=alice, coordinator=colin).conference.referral
        others = [
            allocated(north_family, alice, coordinator(f"c{round_}-{n}@example.gov.uk")) for n in range(1, THREADS)
        ]
        room = make_venue(f"Shared room {round_}")
        outcomes = _race([(r, room) for r in (colin_review, *others)], slot(days=120 + round_), reviews=[colin_review])
        assert sorted(outcomes) == ["booked"] + ["refused"] * (THREADS - 1)
    booked = Conference.objects.filter(status=ConferenceStatus.BOOKED)
    assert booked.count() == 2 * ROUNDS
    for one in booked:
        clash = booked.exclude(pk=one.pk).filter(start__lt=one.end, end__gt=one.start)
        assert not clash.filter(coordinator=one.coordinator).exists() and not clash.filter(venue=one.venue).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlapping_conferences_written_around_the_service(alice, fern, north_family) -> None:
    first, second = allocated(north_family, alice, fern), allocated(north_family, alice, fern)
    times = slot()
    Conference.objects.create(referral=first, coordinator=fern, venue=make_venue("A"), **times)
    with pytest.raises(IntegrityError):
        Conference.objects.create(referral=second, coordinator=fern, venue=make_venue("B"), **times)
    colin = coordinator()
    other = allocated(north_family, alice, colin)
    room = make_venue("C")
    Conference.objects.create(referral=other, coordinator=colin, venue=room, **slot(days=20))
    with pytest.raises(IntegrityError):
        Conference.objects.create(referral=second, coordinator=fern, venue=room, **slot(days=20, hour=11))
    # A cancelled conference holds nothing.
    Conference.objects.filter(venue=room).update(status=ConferenceStatus.CANCELLED)
    Conference.objects.create(referral=second, coordinator=fern, venue=room, **slot(days=20, hour=11))


def test_moving_with_other_professionals_invites_those_added_and_uninvites_those_removed(
    alice, fern, gina, mo, north_family
) -> None:
    conference = book(allocated(north_family, alice, fern), make_venue())
    current = MeetingAttendee.objects.filter(meeting=conference.meeting, removed_at__isnull=True)
    booking.rebook(conference=conference, by=fern, venue=conference.venue, professionals=[gina], **slot())
    assert set(current.values_list("user__email", flat=True)) == {fern.email, alice.email, gina.email}
    booking.rebook(conference=conference, by=fern, venue=conference.venue, professionals=[mo], **slot())
    assert set(current.values_list("user__email", flat=True)) == {fern.email, alice.email, mo.email}
    assert list(Conference.objects.get().professionals.all()) == [mo]


def test_closing_a_booked_referral_cancels_its_conference_and_the_invites(alice, fern, north_family) -> None:
    from fgc.services import referrals

    conference = book(allocated(north_family, alice, fern), make_venue())
    referrals.close(referral=conference.referral, by=fern, reason="The family moved away.")
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CANCELLED
    assert conference.meeting is not None and conference.meeting.status == MeetingStatus.CANCELLED
    assert conference.referral.status == ReferralStatus.CLOSED
