"""After the conference: the review FGC (diarised automatically), progress on the plan, and each child's outcomes.

The review is proposed `settings.FGC_REVIEW_WEEKS` weeks (13: about three months)
after the conference, on the next working day at the same time, as a diary meeting
with invitations and reminders to the coordinator, the referrer and the
professionals who took part. Outcomes are recorded for each child 6 and 12
months after the conference; the coordinator is prompted when one falls due.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary import services as diary
from diary.models import MeetingKind, MeetingStatus
from diary.reminders import ReminderRule
from diary.services import AttendeeSpec
from diary.workdays import is_working_day
from families.models import Child
from fgc.models import ConferenceStatus, FamilyPlan, Living, Outcome, Referral, ReferralStatus
from outbox.services import enqueue_email

OUTCOME_POINTS = (6, 12)
REVIEW_REMINDERS = (
    ReminderRule("fgc-review-week", "start", offset_working_days=-5, late_policy="skip"),
    ReminderRule("fgc-review-day", "start", offset_working_days=-1, late_policy="skip"),
)


def review_weeks() -> int:
    return int(getattr(settings, "FGC_REVIEW_WEEKS", 13))


def review_day(conference_day: dt.date) -> dt.date:
    day = conference_day + dt.timedelta(weeks=review_weeks())
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def schedule_review(*, plan: FamilyPlan, attendees: list[User]) -> FamilyPlan:
    """Diarise the review FGC for a recorded plan (called inside record_conference's transaction)."""
    conference = plan.conference
    start_local = timezone.localtime(conference.start)
    end_local = timezone.localtime(conference.end)
    day = review_day(start_local.date())
    people = {conference.coordinator.pk: conference.coordinator}
    for person in [conference.referral.referred_by, *attendees]:
        people.setdefault(person.pk, person)
    meeting = diary.schedule_meeting(
        kind=MeetingKind.FGC,
        title=f"FGC review – {conference.referral.reference}",
        organiser=conference.coordinator,
        start=local_datetime(day, start_local.time().replace(tzinfo=None)),
        end=local_datetime(day, end_local.time().replace(tzinfo=None)),
        link_path=reverse("fgc:conference_detail", kwargs={"pk": conference.pk}),
        location=conference.venue.name,
        case_references=conference.referral.reference,
        attendees=[AttendeeSpec(user=u) for u in people.values() if u.is_active],
        reminder_rules=REVIEW_REMINDERS,
        description="Review of the family plan: progress on each part of it.",
    )
    plan.review_meeting = meeting
    plan.save(update_fields=["review_meeting"])
    return plan


@transaction.atomic
def record_review(*, plan: FamilyPlan, by: User, progress: dict[int, str]) -> FamilyPlan:
    """Progress on each part of the plan, as the review conference found it."""
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
    meeting = plan.review_meeting
    if meeting is not None and meeting.status == MeetingStatus.SCHEDULED and meeting.start > timezone.now():
        # Reviewed early: the diarised review is no longer needed.
        diary.cancel_meeting(meeting=meeting, reason="The review has been held.")
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
