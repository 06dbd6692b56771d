"""The stages the other demo builders leave behind them: one preparing, one at its review, one closed.

The preparing referral (booking.build books the one prepared in preparation.build) has its
first meeting diarised. The other two are past their conference: each goes through fgc's
services (referral, allocation, the conference's record, the plan's PDF and circulation,
the review conference, the outcomes, the closing) and is then dated back to when it happened,
so the demo's timeline reads as a real caseload: referred about six weeks before the
conference, its review conference held 13 weeks after it, outcomes on their due dates.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.workdays import add_working_days
from families.models import Family
from fgc.demo import reviews
from fgc.demo.history import HISTORY_FAMILIES
from fgc.models import (
    Conference,
    ConferenceKind,
    FamilyPlan,
    InvitationStatus,
    Living,
    NetworkMember,
    Referral,
    ReferralReason,
    ReferralStatus,
    ReferrerDecision,
    Stage,
    Venue,
)
from fgc.services import conference as services
from fgc.services import referrals, review
from fgc.services.conference import Attended, ItemSpec

EVERYTHING = (Stage.INFORMATION, Stage.FAMILY_TIME, Stage.PLAN)


def build() -> list[str]:
    if Referral.objects.filter(status__in=[ReferralStatus.REVIEW, ReferralStatus.CLOSED]).exists():
        # Built already (the preparing one may since have moved on).
        return []
    users = {u.email: u for u in User.objects.filter(email__endswith="@kinfolk.test")}
    if "fgc@kinfolk.test" not in users or "fgc.manager@kinfolk.test" not in users:
        return []
    nia, manager = users["fgc@kinfolk.test"], users["fgc.manager@kinfolk.test"]
    families = list(
        Family.objects.filter(case_reference__startswith="FS-2026-0", fgc_referrals__isnull=True)
        .exclude(case_reference__startswith=HISTORY_FAMILIES)
        .exclude(children__isnull=True)
        .distinct()
        .order_by("case_reference")[:3]
    )
    if len(families) < 3:
        return []
    fallback = users.get("practitioner@kinfolk.test") or manager
    preparing = _preparing(families[2], nia, manager, fallback)
    at_review = _history(families[0], nia, manager, fallback, months_ago=5, outcome_points=())
    closed = _history(families[1], nia, manager, fallback, months_ago=13, outcome_points=(6, 12))
    referrals.close(referral=closed, by=nia, reason="The plan is working: 12-month outcomes recorded.")
    Referral.objects.filter(pk=closed.pk).update(closed_on=_held_on(closed) + dt.timedelta(days=372))
    return [
        f"FGC: {preparing.reference} is preparing, {at_review.reference} is at its review and "
        f"{closed.reference} closed after its outcomes."
    ]


@transaction.atomic
def _preparing(family: Family, nia: User, manager: User, fallback: User) -> Referral:
    today = timezone.localdate()
    referral = referrals.refer(
        family=family,
        by=family.allocated_practitioner or fallback,
        children=list(family.children.all()),
        reason=ReferralReason.LIFELONG_LINKS,
        reason_detail="Finding and reconnecting the network of a child in care.",
        consent_given_by="The child's social worker, with the child's agreement",
        consent_given_on=today,
        bottom_lines="Contact with anyone in the network is agreed with the child first.",
    )
    referral = referrals.allocate(referral=referral, coordinator=nia, by=manager)
    referrals.record_referrer_contact(referral=referral, by=nia)
    day = add_working_days(today, 2)
    return referrals.arrange_baseline_meeting(
        referral=referral,
        by=nia,
        start=local_datetime(day, dt.time(14, 0)),
        end=local_datetime(day, dt.time(15, 0)),
        location="Oak Tree Family Centre",
    )


def _held_on(referral: Referral) -> dt.date:
    conference = referral.conferences.get(kind=ConferenceKind.INITIAL)
    return timezone.localtime(conference.start).date()


def _working_day_months_ago(months: int) -> dt.date:
    day = review.add_months(timezone.localdate(), -months)
    return add_working_days(day - dt.timedelta(days=1), 1)


@transaction.atomic
def _history(
    family: Family, nia: User, manager: User, fallback: User, *, months_ago: int, outcome_points: tuple[int, ...]
) -> Referral:
    referrer = family.allocated_practitioner or fallback
    held_on = _working_day_months_ago(months_ago)
    start = local_datetime(held_on, dt.time(10, 0))
    referral = referrals.refer(
        family=family,
        by=referrer,
        children=list(family.children.all()),
        reason=ReferralReason.ICPC,
        consent_given_by="Mother",
        consent_given_on=timezone.localdate(),
        bottom_lines="The children are not left in the care of anyone using alcohol.",
    )
    referrals.allocate(referral=referral, coordinator=nia, by=manager)
    aunt = NetworkMember.objects.create(
        referral=referral, name="Jo Demo", relationship="Maternal aunt", invitation_status=InvitationStatus.ATTENDING
    )
    venue = Venue.objects.filter(active=True).first() or Venue.objects.create(
        name="Civic Centre, Family Room", address="1 Civic Way, Kinfolk Town"
    )
    conference = Conference.objects.create(
        referral=referral,
        kind=ConferenceKind.INITIAL,
        coordinator=nia,
        venue=venue,
        start=start,
        end=start + dt.timedelta(hours=3),
        information_sharing_ends_at=start + dt.timedelta(hours=1),
    )
    plan = services.record_conference(
        conference=conference,
        by=nia,
        information_sharing_started_at=start,
        family_time_started_at=start + dt.timedelta(minutes=50),
        plan_agreement_started_at=start + dt.timedelta(minutes=120),
        ended_at=start + dt.timedelta(minutes=165),
        attendance=[
            Attended(EVERYTHING, member=aunt),
            Attended((Stage.INFORMATION,), professional=referrer),
            Attended(EVERYTHING, professional=nia),
        ],
        items=[
            ItemSpec("The aunt has the children after school on weekdays", "Maternal aunt"),
            ItemSpec("Mum starts the alcohol support programme", "Mum", held_on + dt.timedelta(days=21)),
        ],
        bottom_lines_met=True,
        referrer_decision=ReferrerDecision.AGREED,
        monitored_by="The social worker, at each core group",
        contingency="If the aunt cannot help, the children's grandfather steps in while a new plan is made.",
    )
    services.render_plan_pdfs(plan=plan)
    services.circulate_plan(plan=plan)
    items = list(plan.items.order_by("pk"))
    reviewed = reviews.held(
        plan,
        by=nia,
        on=review.review_day(held_on),
        progress={items[0].pk: "Every weekday since.", items[1].pk: "Started."},
    )
    for months in outcome_points:
        for child in referral.children.all():
            review.record_outcome(
                referral=referral,
                child=child,
                months_after=months,
                living=Living.AT_HOME,
                by=nia,
                on=review.add_months(held_on, months),
            )
    _date_back(referral, plan, start, reviewed)
    return referral


def _date_back(referral: Referral, plan: FamilyPlan, start: dt.datetime, reviewed: dt.datetime) -> None:
    """Move the steps the services stamped 'now' to when they happened around the conference."""
    received = start - dt.timedelta(weeks=6)
    Referral.objects.filter(pk=referral.pk).update(
        received_at=received,
        consent_given_on=timezone.localtime(received).date(),
        key_date=timezone.localtime(start).date() + dt.timedelta(days=7),
        key_date_kind="icpc",
        decided_at=received + dt.timedelta(days=1),
        allocated_at=received + dt.timedelta(days=2),
        referrer_contacted_at=received + dt.timedelta(days=3),
    )
    FamilyPlan.objects.filter(pk=plan.pk).update(
        agreed_at=start + dt.timedelta(minutes=165),
        pdf_rendered_at=start + dt.timedelta(hours=4),
        circulated_at=start + dt.timedelta(hours=4),
        reviewed_at=reviewed,
    )
