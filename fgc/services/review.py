"""After the conference: the review conference (booked automatically), progress on the plan, and each child's outcomes.

The review is a conference of its own (kind REVIEW) booked through fgc.services.booking,
so the same checks, locks and database constraints keep its coordinator and room from
being double-booked, and the same invites go out: the coordinator, the referrer and
the professionals who took part are invited to its information-sharing stage, with
reminders a week and a day before. It is proposed `settings.FGC_REVIEW_WEEKS` weeks (13:
about three months) after the conference, on the next working day, at the same time
and venue; if the coordinator or the room is taken then, on the next working day when
both are free, and the coordinator is told. They move it like the first conference.

Outcomes are recorded for each child 6 and 12 months after the conference; the
coordinator is prompted when one falls due.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.workdays import add_working_days, is_working_day
from families.models import Child
from fgc.models import (
    Conference,
    ConferenceKind,
    ConferenceStatus,
    FamilyPlan,
    Living,
    Outcome,
    Referral,
    ReferralStatus,
    Venue,
)
from fgc.services import booking
from outbox.services import enqueue_email

OUTCOME_POINTS = (6, 12)
# How many working days, from the one proposed, are tried before the coordinator is asked to choose one.
LOOK_AHEAD_WORKING_DAYS = 20
# The information-sharing stage when the first conference's plan for it is unknown.
DEFAULT_SHARING = dt.timedelta(hours=1)


def review_weeks() -> int:
    return int(getattr(settings, "FGC_REVIEW_WEEKS", 13))


def review_day(conference_day: dt.date) -> dt.date:
    day = conference_day + dt.timedelta(weeks=review_weeks())
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


class SlotTimes(TypedDict):
    start: dt.datetime
    end: dt.datetime
    information_sharing_ends_at: dt.datetime


@dataclass(frozen=True)
class ReviewSlot:
    """Where and when the review would be: the first conference's venue and times, on another day."""

    venue: Venue
    start: dt.datetime
    end: dt.datetime
    information_sharing_ends_at: dt.datetime

    def times(self) -> SlotTimes:
        return {"start": self.start, "end": self.end, "information_sharing_ends_at": self.information_sharing_ends_at}


def _sharing_length(conference: Conference, length: dt.timedelta) -> dt.timedelta:
    """As booked for the first conference; else as it happened; else an hour (never past the end)."""
    if conference.information_sharing_ends_at is not None:
        return conference.information_sharing_ends_at - conference.start
    started, ended = conference.information_sharing_started_at, conference.family_time_started_at
    if started is not None and ended is not None and dt.timedelta(0) < ended - started < length:
        return ended - started
    return min(DEFAULT_SHARING, length)


def review_slot(conference: Conference, day: dt.date) -> ReviewSlot:
    length = conference.end - conference.start
    start = local_datetime(day, timezone.localtime(conference.start).time().replace(tzinfo=None))
    return ReviewSlot(conference.venue, start, start + length, start + _sharing_length(conference, length))


def first_review_day(conference: Conference, *, today: dt.date | None = None) -> dt.date:
    """The review's day: 13 weeks on, or, if that has passed (a conference recorded late), the next working day."""
    today = today or timezone.localdate()
    wanted = review_day(timezone.localtime(conference.start).date())
    return wanted if wanted > today else add_working_days(today, 1)


def proposed_slot(plan: FamilyPlan) -> ReviewSlot:
    """The slot the review would first be offered: what the booking page suggests when none is booked."""
    return review_slot(plan.conference, first_review_day(plan.conference))


@dataclass(frozen=True)
class ReviewBooking:
    """The review as it was booked: on the day wanted, on a later free one, or not at all (and why)."""

    wanted: dt.date
    conference: Conference | None
    problem: str = ""

    @property
    def day(self) -> dt.date | None:
        return timezone.localtime(self.conference.start).date() if self.conference else None

    @property
    def moved(self) -> bool:
        return self.conference is not None and self.day != self.wanted


NO_FREE_DAY = "you or the venue already had a conference at that time on each of the {n} working days from then."


def book_review(*, plan: FamilyPlan, by: User, professionals: Sequence[User] = ()) -> ReviewBooking:
    """Book the review through the booking service: 13 weeks on, or the next working day you and the room are free.

    Called inside record_conference's transaction; each try is the booking service's own
    savepoint, so a refused one leaves nothing behind. A day whose time has passed is
    skipped; if none is free within LOOK_AHEAD_WORKING_DAYS (or the booking is refused
    for another reason, such as the venue taken out of use) nothing is booked and the
    coordinator is asked to book it.
    """
    conference = plan.conference
    wanted = first_review_day(conference)
    day = wanted
    result: ReviewBooking | None = None
    for _ in range(LOOK_AHEAD_WORKING_DAYS):
        slot = review_slot(conference, day)
        if slot.start > timezone.now():
            try:
                booked = booking.book(
                    referral=conference.referral,
                    by=by,
                    venue=slot.venue,
                    professionals=professionals,
                    kind=ConferenceKind.REVIEW,
                    **slot.times(),
                )
            except booking.DoubleBooked:
                pass
            except ValidationError as exc:
                result = ReviewBooking(wanted, None, " ".join(exc.messages))
                break
            else:
                result = ReviewBooking(wanted, booked)
                break
        day = add_working_days(day, 1)
    if result is None:
        result = ReviewBooking(wanted, None, NO_FREE_DAY.format(n=LOOK_AHEAD_WORKING_DAYS))
    if result.moved or result.conference is None:
        _tell_coordinator(plan, result)
    return result


def _tell_coordinator(plan: FamilyPlan, result: ReviewBooking) -> None:
    """An email to the coordinator when the review is not on the day proposed (whoever recorded the conference)."""
    conference = plan.conference
    coordinator, reference = conference.coordinator, conference.referral.reference
    if not coordinator.is_active:
        return
    if result.conference is not None:
        headline = f"The review conference for {reference} is booked for {result.day:%-d %B %Y}."
        detail = (
            f"On {result.wanted:%-d %B %Y}, the day first proposed, you or the venue already had a conference at "
            "that time, so the review is booked for the next working day when you and the venue are both free. "
            "Move it on the booking page if the family would prefer another day."
        )
    else:
        headline = f"The review conference for {reference} needs booking."
        detail = f"It could not be booked for {result.wanted:%-d %B %Y}: {result.problem} Book it on its booking page."
    enqueue_email(
        to=[coordinator.email],
        template="fgc_referral_update",
        context={
            "name": coordinator.full_name,
            "reference": reference,
            "headline": headline,
            "detail": detail,
            "link": settings.SITE_URL + reverse("fgc:review_booking", kwargs={"pk": conference.referral_id}),
        },
        idempotency_key=f"fgc:review-proposed:{plan.pk}",
    )


def review_booking_state(plan: FamilyPlan) -> ReviewBooking:
    """Where the plan's review stands now: the booked review (if any) against the day it would first be offered."""
    return ReviewBooking(first_review_day(plan.conference), booking.current_review(plan.conference.referral))


def latest_review(referral: Referral) -> Conference | None:
    """The referral's review conference: booked, held, or (when neither) the last cancelled."""
    reviews = list(referral.conferences.filter(kind=ConferenceKind.REVIEW).select_related("venue").order_by("-pk"))
    for status in (ConferenceStatus.BOOKED, ConferenceStatus.HELD, ConferenceStatus.CANCELLED):
        for review in reviews:
            if review.status == status:
                return review
    return None


@transaction.atomic
def record_review(*, plan: FamilyPlan, by: User, progress: dict[int, str]) -> FamilyPlan:
    """Progress on each part of the plan, as the review conference found it; the booked review is held.

    Recorded before the booked review's time (the review met early), the booking is
    cancelled instead, freeing the coordinator and the room and withdrawing the invites.
    """
    plan = FamilyPlan.objects.select_for_update().select_related("conference__referral").get(pk=plan.pk)
    if plan.conference.status != ConferenceStatus.HELD:
        raise ValidationError("Only the plan of a held conference can be reviewed.")
    items = list(plan.items.all())
    if not any(progress.get(item.pk, "").strip() for item in items):
        raise ValidationError({"progress": "Record progress on at least one part of the plan."})
    for item in items:
        item.progress = progress.get(item.pk, item.progress).strip()
        item.save(update_fields=["progress"])
    plan.reviewed_at = timezone.now()
    plan.save(update_fields=["reviewed_at"])
    referral = Referral.objects.select_for_update().get(pk=plan.conference.referral_id)
    if referral.status == ReferralStatus.HELD:
        referral.status = ReferralStatus.REVIEW
        referral.save(update_fields=["status", "updated_at"])
    review = booking.current_review(referral)
    if review is not None and review.start > timezone.now():
        booking.cancel(conference=review, by=by, reason="The review has been held.")
    elif review is not None:
        Conference.objects.filter(pk=review.pk, status=ConferenceStatus.BOOKED).update(status=ConferenceStatus.HELD)
    return plan


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class OutcomeDue:
    referral: Referral
    child: Child
    months_after: int
    due_on: dt.date


def outcomes_due(plans: list[FamilyPlan], *, today: dt.date | None = None) -> list[OutcomeDue]:
    """Outcomes due and not yet recorded for these plans (prefetch referral children and outcomes)."""
    today = today or timezone.localdate()
    due: list[OutcomeDue] = []
    for plan in plans:
        conference = plan.conference
        if conference.status != ConferenceStatus.HELD or conference.ended_at is None:
            continue
        held_on = timezone.localtime(conference.ended_at).date()
        referral = conference.referral
        recorded = {(o.child_id, o.months_after) for o in referral.outcomes.all()}
        for months in OUTCOME_POINTS:
            due_on = add_months(held_on, months)
            if due_on > today:
                continue
            for child in referral.children.all():
                if (child.pk, months) not in recorded:
                    due.append(OutcomeDue(referral, child, months, due_on))
    return due


def plans_for_outcomes() -> list[FamilyPlan]:
    """Held plans old enough for a 6-month outcome: the few queries behind the prompts."""
    cutoff = timezone.now() - dt.timedelta(days=180)
    return list(
        FamilyPlan.objects.filter(conference__status=ConferenceStatus.HELD, conference__ended_at__lte=cutoff)
        .exclude(conference__referral__status__in=[ReferralStatus.DECLINED])
        .select_related("conference__referral__coordinator")
        .prefetch_related("conference__referral__children", "conference__referral__outcomes")
    )


@transaction.atomic
def record_outcome(
    *,
    referral: Referral,
    child: Child,
    months_after: int,
    living: str,
    by: User,
    note: str = "",
    on: dt.date | None = None,
) -> Outcome:
    if not referral.children.filter(pk=child.pk).exists():
        raise ValidationError({"child": "Choose a child the conference was about."})
    outcome = Outcome(
        referral=referral,
        child=child,
        months_after=months_after,
        living=living,
        note=note.strip(),
        recorded_on=on or timezone.localdate(),
        recorded_by=by,
    )
    if living not in Living.values:
        raise ValidationError({"living": "Select where the child is living."})
    outcome.full_clean()
    outcome.save()
    return outcome


def prompt_outcomes_due(*, today: dt.date | None = None) -> int:
    """Email each coordinator once per referral and point (6 or 12 months) when its outcomes fall due.

    One email for all the referral's children: it names the referral only, so one per child would say the same.
    """
    sent = 0
    prompted: set[tuple[int, int]] = set()
    for due in outcomes_due(plans_for_outcomes(), today=today):
        coordinator = due.referral.coordinator
        if coordinator is None or not coordinator.is_active or (due.referral.pk, due.months_after) in prompted:
            continue
        prompted.add((due.referral.pk, due.months_after))
        enqueue_email(
            to=[coordinator.email],
            template="fgc_referral_update",
            context={
                "name": coordinator.full_name,
                "reference": due.referral.reference,
                "headline": f"A {due.months_after}-month outcome is due for {due.referral.reference}.",
                "detail": "Record where each child is living now.",
                "link": settings.SITE_URL + reverse("fgc:referral_detail", kwargs={"pk": due.referral.pk}),
            },
            idempotency_key=f"fgc:outcome-due:{due.referral.pk}:{due.months_after}",
        )
        sent += 1
    return sent
