"""Booking a conference (the first, or the review): date, time and venue, never double-booking anyone or a room.

Two guards, one behind the other:
- here, on every database: the coordinator's user row and the venue's row are locked
  (always in that order, so two bookings cannot deadlock) before the overlap check, so
  two bookings at once are serialised and the second sees the first;
- on PostgreSQL, exclusion constraints on (coordinator, tstzrange(start, end)) and
  (venue, tstzrange(start, end)) for booked conferences (fgc migration 0002) refuse
  whatever gets past a service (a raw write, a future code path).

Professionals (the coordinator, the referrer and those the coordinator adds) are
invited through the diary to the information-sharing stage only; the invite carries
the FGC reference, never a name.

The review conference (kind REVIEW, about three months after the first: fgc.services.review
proposes it) is booked, moved and cancelled here too, with the same checks, locks and
constraints; only what it may follow and what its invite says differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from diary import services as diary
from diary.models import MeetingKind, MeetingStatus
from diary.reminders import ReminderRule
from diary.services import AttendeeSpec
from fgc.models import Conference, ConferenceKind, ConferenceStatus, FamilyPlan, Referral, ReferralStatus, Venue
from fgc.services.child_sessions import flag_for_replanning

COORDINATOR_BUSY = "The coordinator already has a conference booked at that time: choose another time."
VENUE_BUSY = "The venue is already booked at that time: choose another time or venue."
BOOKABLE = (ReferralStatus.ALLOCATED, ReferralStatus.PREPARING)
# The review is reminded to everyone invited a week and a day before (the first conference is close enough not to be).
REVIEW_REMINDERS = (
    ReminderRule("fgc-review-week", "start", offset_working_days=-5, late_policy="skip"),
    ReminderRule("fgc-review-day", "start", offset_working_days=-1, late_policy="skip"),
)


class DoubleBooked(ValidationError):
    """The coordinator or the venue already has a booked conference at that time."""


@dataclass(frozen=True)
class Invite:
    """What the diary invite for one kind of conference says, and its reminders."""

    meeting_kind: str
    title: str
    description: str
    reminders: tuple[ReminderRule, ...] = ()


INVITES = {
    ConferenceKind.INITIAL: Invite(
        MeetingKind.FGC,
        "FGC information sharing",
        "You are invited to the information-sharing stage only; the family then has private time.",
    ),
    ConferenceKind.REVIEW: Invite(
        MeetingKind.REVIEW_FGC,
        "FGC review information sharing",
        "Review of the family plan: progress on each part of it. You are invited to the information-sharing "
        "stage only; the family then has private time.",
        reminders=REVIEW_REMINDERS,
    ),
}


def current_conference(referral: Referral, kind: str = ConferenceKind.INITIAL) -> Conference | None:
    """The referral's booked conference of this kind (the first by default), if any."""
    booked = referral.conferences.filter(kind=kind, status=ConferenceStatus.BOOKED)
    return booked.select_related("venue", "meeting").first()


def current_review(referral: Referral) -> Conference | None:
    return current_conference(referral, ConferenceKind.REVIEW)


def plan_to_review(referral: Referral) -> FamilyPlan | None:
    """The plan of the referral's held conference, while it waits for its review (the referral is held)."""
    if referral.status != ReferralStatus.HELD:
        return None
    return (
        FamilyPlan.objects.filter(
            conference__referral=referral,
            conference__kind=ConferenceKind.INITIAL,
            conference__status=ConferenceStatus.HELD,
            reviewed_at__isnull=True,
        )
        .select_related("conference__venue")
        .first()
    )


def not_bookable(referral: Referral, kind: str) -> str:
    """Why a conference of this kind cannot be booked for the referral now ("" when it can)."""
    status = referral.get_status_display().lower()
    if kind == ConferenceKind.REVIEW:
        problems = [
            (current_review(referral) is not None, "A review conference is already booked: move it instead."),
            (
                referral.status != ReferralStatus.HELD,
                f"This referral is {status}: a review conference cannot be booked now.",
            ),
            (
                plan_to_review(referral) is None,
                "The review conference follows a held conference whose plan has not been reviewed yet.",
            ),
        ]
    else:
        problems = [
            (referral.status not in BOOKABLE, f"This referral is {status}: a conference cannot be booked now."),
            (current_conference(referral) is not None, "A conference is already booked: move it instead."),
        ]
    return next((message for found, message in problems if found), "")


def is_after_key_date(referral: Referral, start: dt.datetime) -> bool:
    return referral.key_date is not None and timezone.localtime(start).date() > referral.key_date


def _check(
    *, referral: Referral, venue: Venue, start: dt.datetime, end: dt.datetime, sharing_end: dt.datetime, moving: int
) -> None:
    """Lock the coordinator and the venue, then refuse what would overlap (`moving`: the conference being moved)."""
    if referral.coordinator_id is None:
        raise ValidationError("Allocate a coordinator first.")
    if start <= timezone.now():
        raise ValidationError({"start": "The conference must start in the future."})
    if end <= start:
        raise ValidationError({"end": "The conference must end after it starts."})
    if not start < sharing_end <= end:
        raise ValidationError(
            {"information_sharing_ends_at": "Information sharing must end after the start and by the end."}
        )
    User.objects.select_for_update().filter(pk=referral.coordinator_id).first()
    locked_venue = Venue.objects.select_for_update().get(pk=venue.pk)
    if not locked_venue.active:
        raise ValidationError({"venue": "That venue is no longer in use: choose another."})
    overlapping = Conference.objects.filter(status=ConferenceStatus.BOOKED, start__lt=end, end__gt=start).exclude(
        pk=moving
    )
    if overlapping.filter(coordinator_id=referral.coordinator_id).exists():
        raise DoubleBooked({"start": COORDINATOR_BUSY})
    if overlapping.filter(venue=venue).exists():
        raise DoubleBooked({"venue": VENUE_BUSY})


def _attendees(referral: Referral, professionals: Sequence[User]) -> list[AttendeeSpec]:
    people: dict[int, User] = {}
    for person in (referral.coordinator, referral.referred_by, *professionals):
        if person is not None and person.is_active:
            people.setdefault(person.pk, person)
    return [AttendeeSpec(user=person) for person in people.values()]


def _where(venue: Venue) -> str:
    return f"{venue.name}, {' '.join(venue.address.split())}"


def _refused_by_database(exc: IntegrityError) -> ValidationError:
    text = str(exc)
    if "venue_not_double_booked" in text:
        return DoubleBooked({"venue": VENUE_BUSY})
    if "coordinator_not_double_booked" in text:
        return DoubleBooked({"start": COORDINATOR_BUSY})
    return ValidationError("The conference could not be booked: try again.")


def book(
    *,
    referral: Referral,
    by: User,
    venue: Venue,
    start: dt.datetime,
    end: dt.datetime,
    information_sharing_ends_at: dt.datetime,
    professionals: Sequence[User] = (),
    kind: str = ConferenceKind.INITIAL,
) -> Conference:
    """Book a conference chosen with the family, and invite the professionals.

    The first conference makes the referral BOOKED; the review (kind REVIEW) follows
    the held conference whose plan it reviews, and its invites carry reminders.
    """
    invite = INVITES[ConferenceKind(kind)]
    try:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(of=("self",))
                .select_related("coordinator", "referred_by")
                .get(pk=referral.pk)
            )
            if problem := not_bookable(referral, kind):
                raise ValidationError(problem)
            _check(
                referral=referral, venue=venue, start=start, end=end, sharing_end=information_sharing_ends_at, moving=0
            )
            assert referral.coordinator is not None
            conference = Conference(
                referral=referral,
                kind=kind,
                coordinator=referral.coordinator,
                venue=venue,
                start=start,
                end=end,
                information_sharing_ends_at=information_sharing_ends_at,
                booked_by=by,
            )
            conference.full_clean()
            conference.save()
            conference.professionals.set(professionals)
            conference.meeting = diary.schedule_meeting(
                kind=invite.meeting_kind,
                title=f"{invite.title} – {referral.reference}",
                organiser=referral.coordinator,
                start=start,
                end=information_sharing_ends_at,
                link_path=reverse("fgc:referral_detail", kwargs={"pk": referral.pk}),
                location=_where(venue),
                case_references=referral.reference,
                attendees=_attendees(referral, professionals),
                reminder_rules=invite.reminders,
                description=invite.description,
            )
            conference.save(update_fields=["meeting"])
            if kind == ConferenceKind.INITIAL:  # the review leaves the referral held
                referral.status = ReferralStatus.BOOKED
                referral.save()
                # Sessions planned for an earlier, cancelled booking may not fit this one.
                flag_for_replanning(conference=conference)
            audit.record(action=AuditAction.CREATE, obj=conference, detail={"venue": venue.pk, "kind": kind})
    except IntegrityError as exc:
        raise _refused_by_database(exc) from exc
    return conference


def rebook(
    *,
    conference: Conference,
    by: User,
    venue: Venue,
    start: dt.datetime,
    end: dt.datetime,
    information_sharing_ends_at: dt.datetime,
    professionals: Sequence[User] = (),
) -> Conference:
    """Move a booked conference (time, venue or who is invited); the diary sends updates, nothing if nothing changed."""
    try:
        with transaction.atomic():
            conference = Conference.objects.select_for_update().get(pk=conference.pk)
            referral = (
                Referral.objects.select_for_update(of=("self",))
                .select_related("coordinator", "referred_by")
                .get(pk=conference.referral_id)
            )
            if conference.status != ConferenceStatus.BOOKED:
                raise ValidationError("Only a booked conference can be moved.")
            _check(
                referral=referral,
                venue=venue,
                start=start,
                end=end,
                sharing_end=information_sharing_ends_at,
                moving=conference.pk,
            )
            assert referral.coordinator is not None
            conference.coordinator = referral.coordinator
            conference.venue = venue
            conference.start, conference.end = start, end
            conference.information_sharing_ends_at = information_sharing_ends_at
            conference.full_clean()
            conference.save()
            conference.professionals.set(professionals)
            meeting = conference.meeting
            if meeting is not None and meeting.status == MeetingStatus.SCHEDULED:
                diary.set_attendees(meeting=meeting, attendees=_attendees(referral, professionals))
                diary.reschedule_meeting(
                    meeting=meeting,
                    start=start,
                    end=information_sharing_ends_at,
                    location=_where(venue),
                    reason="The conference has moved.",
                )
            if conference.kind == ConferenceKind.INITIAL:
                # The child's preparation sessions that no longer fall before it are flagged for re-planning.
                flag_for_replanning(conference=conference)
            audit.record(action=AuditAction.UPDATE, obj=conference, detail={"moved": True, "venue": venue.pk})
    except IntegrityError as exc:
        raise _refused_by_database(exc) from exc
    return conference


@transaction.atomic
def cancel(*, conference: Conference, by: User, reason: str) -> Conference:
    """Cancel the booking and withdraw the invites; a first conference's referral goes back to preparation."""
    conference = Conference.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=conference.pk)
    if conference.status != ConferenceStatus.BOOKED:
        raise ValidationError("Only a booked conference can be cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the conference is cancelled."})
    conference.status = ConferenceStatus.CANCELLED
    conference.cancelled_reason = reason.strip()[:200]
    conference.save()
    if conference.meeting is not None and conference.meeting.status == MeetingStatus.SCHEDULED:
        what = "review conference" if conference.kind == ConferenceKind.REVIEW else "conference"
        diary.cancel_meeting(meeting=conference.meeting, reason=f"The {what} is cancelled.")
    referral = Referral.objects.select_for_update().get(pk=conference.referral_id)
    if conference.kind == ConferenceKind.INITIAL and referral.status == ReferralStatus.BOOKED:
        referral.status = ReferralStatus.PREPARING
        referral.save()
    return conference


@transaction.atomic
def add_venue(*, name: str, address: str, capacity: int, accessible: bool, by: User) -> Venue:
    venue = Venue(name=name.strip(), address=address.strip(), capacity=capacity, accessible=accessible)
    venue.full_clean()
    venue.save()
    return venue


@transaction.atomic
def set_venue_active(*, venue: Venue, active: bool, by: User) -> Venue:
    """A venue no longer used is deactivated (kept for the conferences held there), or brought back."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    venue.active = active
    venue.save()
    return venue
