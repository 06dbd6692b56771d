"""Referral, triage and allocation: from a practitioner's referral to a coordinator's first meeting.

Every write is one function here, used by views, tasks and the demo alike. Emails
go through the outbox in the same transaction, carry the FGC reference and a link
into Kinfolk only, and are idempotent (a retried service sends nothing twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core import audit
from core.models import AuditAction
from diary import services as diary
from diary.models import MeetingKind, MeetingStatus
from diary.services import AttendeeSpec
from diary.workdays import add_working_days
from families.models import Child, Family
from fgc.models import ConferenceStatus, Referral, ReferralStatus, Urgency
from fgc.services import booking
from outbox.services import enqueue_email

# Where a referral waits in the queue: urgent ones first, then the soonest deadline.
WAITING_STATUSES = (ReferralStatus.RECEIVED, ReferralStatus.WAITING)
# Work in hand: consent can be withdrawn (pausing it) and it can be closed.
OPEN_STATUSES = (
    ReferralStatus.RECEIVED,
    ReferralStatus.WAITING,
    ReferralStatus.ALLOCATED,
    ReferralStatus.PREPARING,
    ReferralStatus.BOOKED,
    ReferralStatus.HELD,
    ReferralStatus.REVIEW,
)
# Working days after allocation by which the first (baseline) meeting should be held.
BASELINE_WORKING_DAYS = 5
# Hours after allocation by which the coordinator should have contacted the referrer.
CONTACT_HOURS = 48


def link_to(referral: Referral) -> str:
    return settings.SITE_URL + reverse("fgc:referral_detail", kwargs={"pk": referral.pk})


def waiting_position(referral: Referral) -> int | None:
    """1 for the next to be allocated; None once it is allocated (or closed)."""
    if referral.status not in WAITING_STATUSES:
        return None
    ahead = Referral.objects.filter(status__in=WAITING_STATUSES).exclude(pk=referral.pk)
    if referral.urgency == Urgency.URGENT:
        ahead = ahead.filter(urgency=Urgency.URGENT, received_at__lt=referral.received_at)
    else:
        ahead = ahead.filter(urgency=Urgency.URGENT) | ahead.filter(
            urgency=Urgency.ROUTINE, received_at__lt=referral.received_at
        )
    return ahead.count() + 1


def _tell(*, referral: Referral, to: User, key: str, headline: str, detail: str = "") -> None:
    enqueue_email(
        to=[to.email],
        template="fgc_referral_update",
        context={
            "name": to.full_name,
            "reference": referral.reference,
            "headline": headline,
            "detail": detail,
            "link": link_to(referral),
        },
        idempotency_key=f"fgc:{referral.pk}:{key}:{to.pk}",
    )


def _position_sentence(referral: Referral) -> str:
    position = waiting_position(referral)
    if position is None:
        return ""
    return f"It is number {position} on the waiting list for a coordinator."


@transaction.atomic
def refer(
    *,
    family: Family,
    by: User,
    children: Iterable[Child],
    reason: str,
    consent_given_by: str,
    consent_given_on: dt.date,
    bottom_lines: str,
    reason_detail: str = "",
    key_date: dt.date | None = None,
    key_date_kind: str = "",
    urgency: str = Urgency.ROUTINE,
    questions_for_family: str = "",
    interpreter_language: str = "",
    access_needs: str = "",
) -> Referral:
    """A practitioner refers a family (the view has checked they may see it); the referrer hears at once."""
    chosen = list(children)
    if not chosen:
        raise ValidationError({"children": "Select the children the conference is about."})
    if any(child.family_id != family.pk for child in chosen):
        raise ValidationError({"children": "Select only children of this family."})
    if key_date is not None and not key_date_kind:
        raise ValidationError(
            {"key_date_kind": "Select what the date is (an ICPC, a court hearing or another deadline)."}
        )
    if key_date is not None and key_date < timezone.localdate():
        raise ValidationError({"key_date": "The date the conference should precede must be today or later."})
    referral = Referral(
        family=family,
        referred_by=by,
        reason=reason,
        reason_detail=reason_detail.strip(),
        key_date=key_date,
        key_date_kind=key_date_kind if key_date else "",
        urgency=urgency,
        consent_given_by=consent_given_by.strip(),
        consent_given_on=consent_given_on,
        bottom_lines=bottom_lines.strip(),
        questions_for_family=questions_for_family.strip(),
        interpreter_language=interpreter_language.strip(),
        access_needs=access_needs.strip(),
    )
    referral.full_clean()
    referral.save()
    referral.children.set(chosen)
    _tell(
        referral=referral,
        to=by,
        key="received",
        headline=f"Your referral {referral.reference} has reached the FGC service.",
        detail=_position_sentence(referral),
    )
    return referral


def _require(referral: Referral, *statuses: str, doing: str) -> None:
    if referral.status not in statuses:
        raise ValidationError(f"This referral is {referral.get_status_display().lower()}: it cannot be {doing} now.")


@transaction.atomic
def accept(*, referral: Referral, by: User) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(referral, ReferralStatus.RECEIVED, doing="accepted")
    referral.status = ReferralStatus.WAITING
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.save()
    _tell(
        referral=referral,
        to=referral.referred_by,
        key="accepted",
        headline=f"Your referral {referral.reference} has been accepted.",
        detail=_position_sentence(referral),
    )
    return referral


@transaction.atomic
def decline(*, referral: Referral, by: User, reason: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(referral, ReferralStatus.RECEIVED, ReferralStatus.WAITING, doing="declined")
    referral.status = ReferralStatus.DECLINED
    referral.decline_reason = reason.strip()
    referral.decided_by, referral.decided_at = by, timezone.now()
    referral.full_clean()
    referral.save()
    _tell(
        referral=referral,
        to=referral.referred_by,
        key="declined",
        headline=f"Your referral {referral.reference} has been declined.",
        detail="Open it in Kinfolk to read why.",
    )
    return referral


def coordinator_problem(referral: Referral, coordinator: User) -> str:
    """Why this person cannot coordinate this referral, or '' if they can."""
    if not coordinator.is_active or not coordinator.has_role(Role.FGC_COORDINATOR):
        return "Choose an FGC coordinator."
    if coordinator.pk == referral.family.allocated_practitioner_id:
        return "The family's own case holder cannot coordinate its conference: choose an independent coordinator."
    if coordinator.pk == referral.referred_by_id:
        return "The referrer cannot coordinate the conference: choose an independent coordinator."
    return ""


@transaction.atomic
def allocate(*, referral: Referral, coordinator: User, by: User) -> Referral:
    """Give the referral to an independent coordinator; accepting it first if the manager has not yet."""
    referral = Referral.objects.select_for_update().select_related("family").get(pk=referral.pk)
    _require(referral, ReferralStatus.RECEIVED, ReferralStatus.WAITING, ReferralStatus.ALLOCATED, doing="allocated")
    problem = coordinator_problem(referral, coordinator)
    if problem:
        raise ValidationError({"coordinator": problem})
    if referral.decided_at is None:
        referral.decided_by, referral.decided_at = by, timezone.now()
    previous = referral.coordinator
    referral.coordinator = coordinator
    referral.allocated_at = timezone.now()
    referral.referrer_contacted_at = None
    # An urgent referral folds the baseline meeting into the day: the coordinator prepares at once.
    referral.status = ReferralStatus.PREPARING if referral.urgency == Urgency.URGENT else ReferralStatus.ALLOCATED
    referral.save()
    stamp = referral.allocated_at.strftime("%Y%m%d%H%M%S")
    _tell(
        referral=referral,
        to=coordinator,
        key=f"allocated-{stamp}",
        headline=f"Referral {referral.reference} has been allocated to you.",
        detail=f"Please contact the referrer within {CONTACT_HOURS} hours"
        + (
            ""
            if referral.urgency == Urgency.URGENT
            else f" and hold a first meeting within {BASELINE_WORKING_DAYS} working days"
        )
        + ".",
    )
    _tell(
        referral=referral,
        to=referral.referred_by,
        key=f"allocated-{stamp}",
        headline=f"Your referral {referral.reference} has a coordinator: {coordinator.full_name}.",
        detail=f"They will contact you within {CONTACT_HOURS} hours.",
    )
    if previous is not None and previous != coordinator:
        audit.record(action=AuditAction.UPDATE, obj=referral, detail={"reallocated_from": previous.pk})
    return referral


@transaction.atomic
def record_referrer_contact(*, referral: Referral, by: User, at: dt.datetime | None = None) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.coordinator_id is None:
        raise ValidationError("Allocate a coordinator first.")
    at = at or timezone.now()
    if referral.allocated_at and at < referral.allocated_at:
        raise ValidationError("The contact cannot be before the allocation.")
    if at > timezone.now():
        raise ValidationError("The contact cannot be in the future.")
    referral.referrer_contacted_at = at
    referral.save()
    return referral


@transaction.atomic
def arrange_baseline_meeting(
    *, referral: Referral, by: User, start: dt.datetime, end: dt.datetime, location: str = "", online_url: str = ""
) -> Referral:
    """Diarise the first meeting of coordinator and referrer (a diary invite to both)."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("coordinator", "referred_by")
        .get(pk=referral.pk)
    )
    _require(referral, ReferralStatus.ALLOCATED, ReferralStatus.PREPARING, doing="given a first meeting")
    if referral.coordinator is None:
        raise ValidationError("Allocate a coordinator first.")
    people = [referral.coordinator, referral.referred_by]
    attendees = [AttendeeSpec(user=person) for person in people]
    path = reverse("fgc:referral_detail", kwargs={"pk": referral.pk})
    if referral.baseline_meeting is not None and referral.baseline_meeting.status == MeetingStatus.SCHEDULED:
        meeting = diary.reschedule_meeting(meeting=referral.baseline_meeting, start=start, end=end)
    else:
        meeting = diary.schedule_meeting(
            kind=MeetingKind.FGC,
            title=f"FGC first meeting – {referral.reference}",
            organiser=referral.coordinator,
            start=start,
            end=end,
            link_path=path,
            location=location,
            online_url=online_url,
            case_references=referral.reference,
            attendees=attendees,
        )
    referral.baseline_meeting = meeting
    referral.status = ReferralStatus.PREPARING
    referral.save()
    return referral


def baseline_due_by(referral: Referral) -> dt.date | None:
    if referral.allocated_at is None or referral.urgency == Urgency.URGENT:
        return None
    return add_working_days(timezone.localtime(referral.allocated_at).date(), BASELINE_WORKING_DAYS)


@transaction.atomic
def withdraw_consent(*, referral: Referral, by: User, on: dt.date | None = None) -> Referral:
    """Consent withdrawn pauses the work: nothing moves until it is given again."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(
        referral,
        *[
            s
            for s in ReferralStatus
            if s not in (ReferralStatus.PAUSED, ReferralStatus.CLOSED, ReferralStatus.DECLINED)
        ],
        doing="paused",
    )
    referral.consent_withdrawn_on = on or timezone.localdate()
    referral.paused_from_status = referral.status
    referral.status = ReferralStatus.PAUSED
    referral.save()
    people = {referral.referred_by, *([referral.coordinator] if referral.coordinator else [])}
    for person in people:
        _tell(
            referral=referral,
            to=person,
            key=f"paused-{referral.consent_withdrawn_on:%Y%m%d}",
            headline=f"Consent for {referral.reference} has been withdrawn: the work is paused.",
        )
    return referral


@transaction.atomic
def restore_consent(*, referral: Referral, by: User, given_by: str, on: dt.date | None = None) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(referral, ReferralStatus.PAUSED, doing="resumed")
    if not given_by.strip():
        raise ValidationError({"consent_given_by": "Say who gave consent again."})
    referral.consent_given_by = given_by.strip()
    referral.consent_given_on = on or timezone.localdate()
    referral.consent_withdrawn_on = None
    referral.status = referral.paused_from_status or ReferralStatus.RECEIVED
    referral.paused_from_status = ""
    referral.save()
    return referral


@transaction.atomic
def close(*, referral: Referral, by: User, reason: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(
        referral,
        *[s for s in ReferralStatus if s not in (ReferralStatus.CLOSED, ReferralStatus.DECLINED)],
        doing="closed",
    )
    referral.status = ReferralStatus.CLOSED
    referral.close_reason = reason.strip()
    referral.closed_on = timezone.localdate()
    referral.full_clean()
    referral.save()
    if (
        referral.baseline_meeting is not None
        and referral.baseline_meeting.status == MeetingStatus.SCHEDULED
        and referral.baseline_meeting.start > timezone.now()
    ):
        diary.cancel_meeting(meeting=referral.baseline_meeting, reason="The referral is closed.")
    for conference in referral.conferences.filter(status=ConferenceStatus.BOOKED):
        booking.cancel(conference=conference, by=by, reason="The referral is closed.")
    return referral
