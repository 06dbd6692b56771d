"""A held conference with its plan, PDF and letters, its review conference booked and a package awaiting approval.

The conference row is written directly (booking is fgc.services.booking's work) three
days ago; everything after it goes through fgc.services.conference and .support.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.workdays import add_working_days
from families.models import Family
from fgc.demo.history import HISTORY_FAMILIES
from fgc.models import (
    Budget,
    Conference,
    ConferenceKind,
    FamilyPlan,
    InvitationStatus,
    NetworkMember,
    Purpose,
    Recurrence,
    Referral,
    ReferralReason,
    ReferrerDecision,
    Stage,
    Venue,
)
from fgc.services import conference as services
from fgc.services import referrals, support
from fgc.services.conference import Attended, ItemSpec


def build() -> list[str]:
    if FamilyPlan.objects.exists():
        return []
    users = {u.email: u for u in User.objects.filter(email__endswith="@kinfolk.test")}
    if "fgc@kinfolk.test" not in users or "fgc.manager@kinfolk.test" not in users:
        return []
    nia, manager = users["fgc@kinfolk.test"], users["fgc.manager@kinfolk.test"]
    family = (
        Family.objects.filter(case_reference__startswith="FS-2026-0", fgc_referrals__isnull=True)
        .exclude(case_reference__startswith=HISTORY_FAMILIES)
        .order_by("-case_reference")
        .first()
    )
    if family is None:
        return []
    plan = _held(family, nia, manager, users.get("practitioner@kinfolk.test"))
    services.render_plan_pdfs(plan=plan)
    services.circulate_plan(plan=plan)
    return [
        f"FGC: a held conference for {plan.conference.referral.reference} with a support package awaiting approval."
    ]


@transaction.atomic
def _held(family: Family, nia: User, manager: User, fallback: User | None) -> FamilyPlan:
    referrer = family.allocated_practitioner or fallback or manager
    today = timezone.localdate()
    referral = referrals.refer(
        family=family,
        by=referrer,
        children=list(family.children.all()),
        reason=ReferralReason.PLO,
        consent_given_by="Mother and father",
        consent_given_on=today - dt.timedelta(days=40),
        bottom_lines="The children live with a safe adult who is not using alcohol.",
    )
    referrals.allocate(referral=referral, coordinator=nia, by=manager)
    grandma = NetworkMember.objects.create(
        referral=referral,
        name="Rose Demo",
        relationship="Maternal grandmother",
        address="12 Orchard Lane\nKinfolk Town\nKT1 2AB",
        invitation_status=InvitationStatus.ATTENDING,
    )
    uncle = NetworkMember.objects.create(
        referral=referral,
        name="Sam Demo",
        relationship="Paternal uncle",
        email="sam.demo@example.com",
        invitation_status=InvitationStatus.ATTENDING,
    )
    day = add_working_days(today, -3)
    start = local_datetime(day, dt.time(10, 0))
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
    )
    # The referral came in weeks before its conference (the services stamped today): the figures count the days.
    Referral.objects.filter(pk=referral.pk).update(
        received_at=start - dt.timedelta(days=35),
        decided_at=start - dt.timedelta(days=33),
        allocated_at=start - dt.timedelta(days=33),
    )
    everything = (Stage.INFORMATION, Stage.FAMILY_TIME, Stage.PLAN)
    plan = services.record_conference(
        conference=conference,
        by=nia,
        information_sharing_started_at=start,
        family_time_started_at=start + dt.timedelta(minutes=50),
        plan_agreement_started_at=start + dt.timedelta(minutes=130),
        ended_at=start + dt.timedelta(minutes=170),
        attendance=[
            Attended(everything, member=grandma),
            Attended(everything, member=uncle),
            Attended((Stage.INFORMATION,), professional=referrer),
            Attended(everything, professional=nia),
        ],
        items=[
            ItemSpec("The children stay with grandma on weekdays", "Rose Demo", today + dt.timedelta(days=7)),
            ItemSpec("Uncle drives the children to school on Mondays and Fridays", "Sam Demo"),
            ItemSpec("Mum starts the alcohol support programme", "Mum", today + dt.timedelta(days=21)),
        ],
        bottom_lines_met=True,
        referrer_decision=ReferrerDecision.AGREED,
        monitored_by="The social worker, at each core group",
        contingency="If grandma cannot care for the children, the uncle steps in while a new plan is made.",
    )
    budget, _ = Budget.objects.get_or_create(
        name="Family Network Support Packages",
        financial_year=today.year if today.month >= 4 else today.year - 1,
        defaults={"amount": Decimal(25000)},
    )
    support.request_package(
        plan_item=plan.items.order_by("pk").first(),  # type: ignore[arg-type]
        by=nia,
        budget=budget,
        purpose=Purpose.PRACTICAL,
        description="A bed and bedding for the children at grandma's",
        amount=Decimal("340.00"),
        recurrence=Recurrence.ONE_OFF,
    )
    return plan
