"""A small FGC caseload built by hand, dated in days before today, so each figure can be worked out on paper.

Records are written directly (the dates must lie in the past, which the services,
stamping `now`, cannot do). The expected numbers are derived in tests/fgc/test_figures.py.

- r1, ICPC, received 60 days ago; fern allocated at 58; baseline meeting at 54; conference held at
  30, before its ICPC at 25; agreed, bottom lines met; reviewed at 5. Children: A took part in
  person (an ambassador also spoke for them), B through an ambassador.
- r2, PLO, received 50; finn allocated at 49; baseline at 45; a conference cancelled at 44 and one
  held at 40, the day of its court hearing (not before it); more time, met. Child C: views only
  (recorded as wanting to attend, but not at the conference).
- r3, ICPC, urgent, received 12; fern allocated at 12; no baseline (folded into the conference);
  held at 11, before its ICPC at 10; not agreed, not met. Children D (a voice with nothing said)
  and E (none): not taking part.
- r4, early help, received 20: declined.
- r5, PLO, received 400 (outside every period); fern; held at 380; agreed; an outcome at 370.
- r6, care order, received 5; fern allocated at 4; baseline 3 days ahead (not yet reached).
- r7, other, received 150: not yet triaged.

Support packages (the pot for this financial year: £1,000): on r1's plan £200 paid £150,
£100 x 3 approved, £50 awaiting, £400 refused; on r2's plan £100 approved. An older
pot (two financial years ago) with a paid package is outside every period.

Outcomes: r1's A at 6 months at home, B at 6 months with the family network; r2's C at
12 months looked after (all recorded 3 days ago); r5's child at 12 months at home,
recorded 370 days ago.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Role, Team, User
from core.localtime import local_datetime
from diary.models import Meeting, MeetingKind, MeetingStatus
from families.models import Child, Family
from fgc.models import (
    Budget,
    ChildVoice,
    Conference,
    ConferenceAttendance,
    ConferenceKind,
    ConferenceStatus,
    FamilyPlan,
    Living,
    Outcome,
    PackageStatus,
    PlanItem,
    Purpose,
    Recurrence,
    Referral,
    ReferralReason,
    ReferralStatus,
    ReferrerDecision,
    Stage,
    SupportPackage,
    Urgency,
)
from tests import factories
from tests.fgc.factories import make_referral, make_venue


def at(days_ago: int) -> dt.datetime:
    """Noon, local time, that many days ago (negative: ahead): calendar days between two of them are exact."""
    return local_datetime(day(days_ago), dt.time(12, 0))


def day(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def financial_year(on: dt.date) -> int:
    return on.year if on.month >= 4 else on.year - 1


def referral(
    family: Family,
    referrer: User,
    *,
    reason: str,
    received: int,
    coordinator: User | None = None,
    allocated: int | None = None,
    urgent: bool = False,
    key_date: int | None = None,
    key_kind: str = "",
    status: str = ReferralStatus.RECEIVED,
    **extra: Any,
) -> Referral:
    made = make_referral(
        family=family,
        referred_by=referrer,
        reason=reason,
        urgency=Urgency.URGENT if urgent else Urgency.ROUTINE,
        key_date=day(key_date) if key_date is not None else None,
        key_date_kind=key_kind,
        **extra,
    )
    Referral.objects.filter(pk=made.pk).update(
        received_at=at(received),
        coordinator=coordinator,
        allocated_at=at(allocated) if allocated is not None else None,
        status=status,
    )
    made.refresh_from_db()
    return made


def baseline(of: Referral, days_ago: int, *, status: str = MeetingStatus.SCHEDULED) -> Meeting:
    assert of.coordinator is not None
    meeting = Meeting.objects.create(
        kind=MeetingKind.FGC,
        title=f"FGC first meeting – {of.reference}",
        organiser=of.coordinator,
        start=at(days_ago),
        end=at(days_ago) + dt.timedelta(hours=1),
        link_path="/fgc/",
        status=status,
    )
    Referral.objects.filter(pk=of.pk).update(baseline_meeting=meeting)
    return meeting


def conference(
    of: Referral, days_ago: int, *, status: str = ConferenceStatus.HELD, kind: str = ConferenceKind.INITIAL
) -> Conference:
    assert of.coordinator is not None
    start = at(days_ago)
    return Conference.objects.create(
        referral=of,
        kind=kind,
        status=status,
        coordinator=of.coordinator,
        venue=make_venue(f"Room for {of.reference} at {days_ago}"),
        start=start,
        end=start + dt.timedelta(hours=3),
    )


def plan(held: Conference, decision: str, *, met: bool, reviewed: int | None = None) -> PlanItem:
    made = FamilyPlan.objects.create(
        conference=held,
        referrer_decision=decision,
        decision_reasons="The plan leaves the children with their father." if decision == "not_agreed" else "",
        bottom_lines_met=met,
        reviewed_at=at(reviewed) if reviewed is not None else None,
    )
    return PlanItem.objects.create(plan=made, what="Grandma collects the children from school", who="Grandma")


def package(item: PlanItem, budget: Budget, by: User, amount: str, status: str, **extra: Any) -> SupportPackage:
    return SupportPackage.objects.create(
        plan_item=item,
        budget=budget,
        purpose=Purpose.RESPITE,
        description="Respite weekends",
        amount=Decimal(amount),
        status=status,
        requested_by=by,
        **extra,
    )


def outcome(of: Referral, child: Child, months: int, living: str, recorded: int, by: User) -> Outcome:
    return Outcome.objects.create(
        referral=of, child=child, months_after=months, living=living, recorded_on=day(recorded), recorded_by=by
    )


@dataclass
class Caseload:
    r1: Referral
    r2: Referral
    r3: Referral
    r6: Referral
    budget: Budget
    finn: User


def one_referral(*, family: Family, referrer: User, coordinator: User) -> Referral:
    """The smallest caseload for the query counts: one referral, held, with a plan, a package and an outcome."""
    r = referral(
        family, referrer, reason=ReferralReason.ICPC, received=30, coordinator=coordinator, allocated=29, key_date=5
    )
    baseline(r, 25)
    item = plan(conference(r, 10), ReferrerDecision.AGREED, met=True)
    budget, _ = Budget.objects.get_or_create(
        name="Pot", financial_year=financial_year(timezone.localdate()), defaults={"amount": 1000}
    )
    package(item, budget, coordinator, "10", PackageStatus.PAID, paid_amount=Decimal(10))
    outcome(r, family.children.get(), 6, Living.AT_HOME, 1, coordinator)
    return r


def build_caseload(*, north: Team, south: Team, alice: User, bob: User, fern: User) -> Caseload:
    finn = factories.make_user("finn@example.gov.uk", full_name="Finn Fgc", roles=(Role.FGC_COORDINATOR,))
    north_two = factories.make_family(team=north, practitioner=alice, children=2)
    r1 = referral(
        north_two,
        alice,
        reason=ReferralReason.ICPC,
        received=60,
        coordinator=fern,
        allocated=58,
        key_date=25,
        key_kind="icpc",
        status=ReferralStatus.REVIEW,
    )
    baseline(r1, 54)
    r1_item = plan(conference(r1, 30), ReferrerDecision.AGREED, met=True, reviewed=5)
    held_1 = r1.conferences.get()
    a, b = north_two.children.order_by("pk")
    ConferenceAttendance.objects.create(conference=held_1, child=a, stages=[Stage.INFORMATION, Stage.FAMILY_TIME])
    # Its review conference, held: the figures count the first conference only (b came to the review alone).
    reviewed_1 = conference(r1, 5, kind=ConferenceKind.REVIEW)
    ConferenceAttendance.objects.create(conference=reviewed_1, child=b, stages=[Stage.INFORMATION])
    # Attending in person counts first, whoever else spoke for the child.
    ChildVoice.objects.create(referral=r1, child=a, views="I want to stay with mum.", spoken_by_ambassador=True)
    ChildVoice.objects.create(referral=r1, child=b, views="Sam says it for me.", spoken_by_ambassador=True)

    south_one = factories.make_family(team=south, practitioner=bob, children=1)
    r2 = referral(
        south_one,
        bob,
        reason=ReferralReason.PLO,
        received=50,
        coordinator=finn,
        allocated=49,
        key_date=40,
        key_kind="court",
        status=ReferralStatus.HELD,
    )
    baseline(r2, 45)
    conference(r2, 44, status=ConferenceStatus.CANCELLED)
    r2_item = plan(conference(r2, 40), ReferrerDecision.MORE_TIME, met=True)
    conference(r2, -50, status=ConferenceStatus.BOOKED, kind=ConferenceKind.REVIEW)  # its review, still to come
    c = south_one.children.get()
    # Recorded as wanting to attend, but the conference's record says who was there: views only.
    ChildVoice.objects.create(referral=r2, child=c, participation="attend", views="I like living with my aunt.")

    north_three = factories.make_family(team=north, practitioner=alice, children=2)
    r3 = referral(
        north_three,
        alice,
        reason=ReferralReason.ICPC,
        received=12,
        coordinator=fern,
        allocated=12,
        urgent=True,
        key_date=10,
        key_kind="icpc",
        status=ReferralStatus.HELD,
    )
    plan(conference(r3, 11), ReferrerDecision.NOT_AGREED, met=False)
    d = north_three.children.order_by("pk").first()
    assert d is not None
    ChildVoice.objects.create(referral=r3, child=d, views="")  # a voice with nothing said: not taking part

    referral(
        factories.make_family(team=north, practitioner=alice),
        alice,
        reason=ReferralReason.EARLY_HELP,
        received=20,
        status=ReferralStatus.DECLINED,
        decline_reason="Advice given instead.",
    )

    old_family = factories.make_family(team=north, practitioner=alice)
    r5 = referral(
        old_family,
        alice,
        reason=ReferralReason.PLO,
        received=400,
        coordinator=fern,
        allocated=399,
        key_date=370,
        key_kind="icpc",
        status=ReferralStatus.CLOSED,
        close_reason="Plan working.",
    )
    baseline(r5, 395)
    old_item = plan(conference(r5, 380), ReferrerDecision.AGREED, met=True)
    ConferenceAttendance.objects.create(
        conference=r5.conferences.get(), child=old_family.children.get(), stages=[Stage.INFORMATION]
    )
    outcome(r5, old_family.children.get(), 12, Living.AT_HOME, 370, fern)

    r6 = referral(
        factories.make_family(team=north, practitioner=alice),
        alice,
        reason=ReferralReason.CARE_ORDER,
        received=5,
        coordinator=fern,
        allocated=4,
        status=ReferralStatus.PREPARING,
    )
    baseline(r6, -3)

    referral(factories.make_family(team=south, practitioner=bob), bob, reason=ReferralReason.OTHER, received=150)

    this_year = financial_year(timezone.localdate())
    budget = Budget.objects.create(name="Family Network Support Packages", financial_year=this_year, amount=1000)
    package(r1_item, budget, fern, "200", PackageStatus.PAID, paid_amount=Decimal(150))
    package(r1_item, budget, fern, "100", PackageStatus.APPROVED, recurrence=Recurrence.MONTHLY, payments=3)
    package(r1_item, budget, fern, "50", PackageStatus.REQUESTED)
    package(r1_item, budget, fern, "400", PackageStatus.REFUSED)
    package(r2_item, budget, finn, "100", PackageStatus.APPROVED)
    old_pot = Budget.objects.create(name="Old pot", financial_year=this_year - 2, amount=500)
    package(old_item, old_pot, fern, "300", PackageStatus.PAID, paid_amount=Decimal(300))

    outcome(r1, a, 6, Living.AT_HOME, 3, fern)
    outcome(r1, b, 6, Living.FAMILY_NETWORK, 3, fern)
    outcome(r2, c, 12, Living.LOOKED_AFTER, 3, finn)
    return Caseload(r1=r1, r2=r2, r3=r3, r6=r6, budget=budget, finn=finn)
