"""The conference as it happened: its stages, who took part, the family plan, and the plan's circulation.

Recording the conference marks it (and its referral) held; on commit a task renders
the plan PDF and the family's letters and emails the professionals who took part a
link to the plan (never the plan itself). Every step is safe to run twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from core.pdf import render_pdf
from fgc.models import (
    Conference,
    ConferenceAttendance,
    ConferenceKind,
    ConferenceStatus,
    FamilyPlan,
    NetworkMember,
    PlanItem,
    Referral,
    ReferralStatus,
    ReferrerDecision,
    Stage,
)
from fgc.services import review
from outbox.services import enqueue_email

HANDLING_NOTE = (
    "This plan holds personal information about children and their family. Keep it to the people who took "
    "part in the conference and in Kinfolk: do not forward or copy it. Destroy printed copies securely."
)


@dataclass(frozen=True)
class Attended:
    """One person's attendance: exactly one of member, child, professional; the stages they were there for."""

    stages: tuple[str, ...]
    member: NetworkMember | None = None
    child_id: int | None = None
    professional: User | None = None


@dataclass(frozen=True)
class ItemSpec:
    what: str
    who: str
    by_when: dt.date | None = None


NOT_STARTED = "The conference has not started yet: record it once it has been held."
STAGE_FIELDS = ("information_sharing_started_at", "family_time_started_at", "plan_agreement_started_at", "ended_at")


def _check_times(times: list[dt.datetime | None]) -> None:
    for name, value in zip(STAGE_FIELDS, times, strict=True):
        if value is None:
            raise ValidationError({name: "Enter the time this stage started."})
    for i in range(1, len(times)):
        earlier, later = times[i - 1], times[i]
        if earlier is not None and later is not None and later <= earlier:
            raise ValidationError({STAGE_FIELDS[i]: "Each stage must start after the one before it."})


def _check_recordable(conference: Conference) -> None:
    """A booked first conference, once it has started (a review is recorded as progress on the plan)."""
    if conference.kind != ConferenceKind.INITIAL:
        raise ValidationError("A review conference is recorded as progress on the plan it reviews.")
    if conference.status != ConferenceStatus.BOOKED:
        raise ValidationError(f"This conference is {conference.get_status_display().lower()}: it cannot be recorded.")
    if conference.start > timezone.now():
        raise ValidationError(NOT_STARTED)


@transaction.atomic
def record_conference(
    *,
    conference: Conference,
    by: User,
    information_sharing_started_at: dt.datetime | None,
    family_time_started_at: dt.datetime | None,
    plan_agreement_started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    attendance: Iterable[Attended],
    items: Iterable[ItemSpec],
    bottom_lines_met: bool | None,
    referrer_decision: str,
    decision_reasons: str = "",
    monitored_by: str = "",
    contingency: str = "",
) -> FamilyPlan:
    """Record a booked conference as held, with its plan; the referral is held too and its review booked."""
    conference = Conference.objects.select_for_update().select_related("referral").get(pk=conference.pk)
    _check_recordable(conference)
    times = [information_sharing_started_at, family_time_started_at, plan_agreement_started_at, ended_at]
    _check_times(times)
    people = [a for a in attendance if a.stages]
    if not any(a.member is not None or a.child_id is not None for a in people):
        raise ValidationError({"attendance": "Record who from the family took part."})
    for a in people:
        if set(a.stages) - set(Stage.values):
            raise ValidationError({"attendance": "Choose stages from the list."})
    plan_items = [i for i in items if i.what.strip() or i.who.strip()]
    if not plan_items:
        raise ValidationError({"items": "Add at least one thing the family's plan says will happen."})
    for item in plan_items:
        if not item.what.strip() or not item.who.strip():
            raise ValidationError({"items": "Say what will happen and who will do it, for each part of the plan."})
    if referrer_decision == ReferrerDecision.NOT_AGREED and not decision_reasons.strip():
        raise ValidationError({"decision_reasons": "Give the reasons the plan is not agreed."})
    if bottom_lines_met is None:
        raise ValidationError({"bottom_lines_met": "Say whether the plan meets the bottom lines."})

    (
        conference.information_sharing_started_at,
        conference.family_time_started_at,
        conference.plan_agreement_started_at,
        conference.ended_at,
    ) = times
    conference.status = ConferenceStatus.HELD
    conference.full_clean()
    conference.save()
    conference.attendance.all().delete()
    for a in people:
        row = ConferenceAttendance(
            conference=conference,
            member=a.member,
            child_id=a.child_id,
            professional=a.professional,
            stages=[s for s in Stage.values if s in a.stages],
        )
        row.full_clean()
        row.save()
    plan = FamilyPlan(
        conference=conference,
        bottom_lines_met=bottom_lines_met,
        referrer_decision=referrer_decision,
        decision_reasons=decision_reasons.strip(),
        monitored_by=monitored_by.strip(),
        contingency=contingency.strip(),
        agreed_at=ended_at if referrer_decision == ReferrerDecision.AGREED else None,
        recorded_by=by,
    )
    plan.full_clean()
    plan.save()
    for item in plan_items:
        row_item = PlanItem(plan=plan, what=item.what.strip(), who=item.who.strip(), by_when=item.by_when)
        row_item.full_clean()
        row_item.save()
    referral = Referral.objects.select_for_update().get(pk=conference.referral_id)
    if referral.status in (ReferralStatus.BOOKED, ReferralStatus.PREPARING, ReferralStatus.ALLOCATED):
        referral.status = ReferralStatus.HELD
        referral.save(update_fields=["status", "updated_at"])
    # The review conference, about three months on, with the professionals who took part (once the referral is held).
    review.book_review(plan=plan, by=by, professionals=[a.professional for a in people if a.professional is not None])
    audit.record(action=AuditAction.UPDATE, obj=conference, detail={"conference": "held", "plan": plan.pk})
    transaction.on_commit(lambda: enqueue_plan(plan.pk))
    return plan


def enqueue_plan(plan_id: int) -> None:
    from django_q.tasks import async_task

    async_task("fgc.tasks.render_and_circulate_plan", plan_id, task_name=f"fgc-plan-{plan_id}")


def plan_context(plan: FamilyPlan) -> dict[str, object]:
    conference = plan.conference
    attendance = list(conference.attendance.select_related("member", "professional", "child").order_by("pk"))
    return {
        "plan": plan,
        "conference": conference,
        "referral": conference.referral,
        "items": list(plan.items.all()),
        "attendance": attendance,
        "stages": Stage,
        "handling_note": HANDLING_NOTE,
    }


def family_members(plan: FamilyPlan) -> list[NetworkMember]:
    """The family members who took part: each gets the plan by letter."""
    return [
        row.member
        for row in plan.conference.attendance.filter(member__isnull=False)
        .select_related("member")
        .order_by("member__name")
        if row.member is not None
    ]


def render_plan_pdfs(*, plan: FamilyPlan) -> FamilyPlan:
    """Render and store the plan PDF and the letters (once; safe to call again)."""
    if plan.pdf and plan.letters_pdf:
        return plan
    plan = FamilyPlan.objects.select_related("conference__referral__family", "conference__venue").get(pk=plan.pk)
    reference = plan.conference.referral.reference
    when = timezone.localtime(plan.conference.start)
    context = {**plan_context(plan), "when": when}
    plan_pdf = render_pdf(
        template="fgc/pdf/plan.html",
        context=context,
        title=f"Family plan – {reference}",
        running_header=f"Family Group Conference plan – {reference} – {when:%-d %B %Y}",
    )
    letters = render_pdf(
        template="fgc/pdf/letters.html",
        context={**context, "members": family_members(plan)},
        title=f"Family plan letters – {reference}",
        running_header=f"Your family plan – {reference}",
    )
    with transaction.atomic():
        locked = FamilyPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.pdf and locked.letters_pdf:
            return locked
        locked.pdf.save(f"{plan.conference_id}/plan-{plan.pk}.pdf", ContentFile(plan_pdf), save=False)
        locked.letters_pdf.save(f"{plan.conference_id}/letters-{plan.pk}.pdf", ContentFile(letters), save=False)
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "letters_pdf", "pdf_rendered_at"])
    return locked


def plan_recipients(plan: FamilyPlan) -> list[User]:
    """The professionals who get the secure link: those who took part, the coordinator and the referrer."""
    conference = plan.conference
    people: dict[int, User] = {}
    for row in conference.attendance.filter(professional__isnull=False).select_related("professional"):
        if row.professional is not None:
            people[row.professional.pk] = row.professional
    people.setdefault(conference.coordinator.pk, conference.coordinator)
    referrer = conference.referral.referred_by
    people.setdefault(referrer.pk, referrer)
    return sorted((u for u in people.values() if u.is_active and u.email), key=lambda u: u.full_name)


@transaction.atomic
def circulate_plan(*, plan: FamilyPlan) -> int:
    """Email each professional a link to the plan; the family's letters wait for the coordinator to print."""
    plan = FamilyPlan.objects.select_for_update(of=("self",)).select_related("conference__referral").get(pk=plan.pk)
    link = settings.SITE_URL + reverse("fgc:plan_pdf", kwargs={"pk": plan.conference_id})
    recipients = plan_recipients(plan)
    for user in recipients:
        enqueue_email(
            to=[user.email],
            template="fgc_plan_circulated",
            context={"name": user.full_name, "reference": plan.conference.referral.reference, "link": link},
            idempotency_key=f"fgc:plan:{plan.pk}:circulated:{user.pk}",
        )
    if plan.circulated_at is None:
        plan.circulated_at = timezone.now()
        plan.save(update_fields=["circulated_at"])
    audit.record(action=AuditAction.UPDATE, obj=plan, detail={"plan_circulated_to": len(recipients)})
    return len(recipients)


def may_download_plan(user: User, conference: Conference) -> bool:
    """Only those who took part, the coordinator, the FGC manager and the referrer."""
    from fgc.permissions import is_fgc_manager

    if not user.is_active:
        return False
    if is_fgc_manager(user) or user.pk in (conference.coordinator_id, conference.referral.referred_by_id):
        return True
    return conference.attendance.filter(professional=user).exists()
