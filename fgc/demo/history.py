"""Three referrals that ran their course in the last months, so the FGC figures have something to count.

Each goes through fgc's services (refer, allocate, the first meeting, the child's views,
the conference and its plan, a support package, the review conference, an outcome); the services
stamp `now`, so the dates are then moved back to when it all happened, as the
conference demo writes its conference row directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.workdays import add_working_days
from families.models import Family
from fgc.demo import reviews
from fgc.models import (
    Budget,
    Conference,
    ConferenceKind,
    FamilyPlan,
    KeyDateKind,
    Living,
    NetworkMember,
    Participation,
    Purpose,
    Referral,
    ReferralReason,
    ReferrerDecision,
    Stage,
    Venue,
)
from fgc.services import conference as conferences
from fgc.services import preparation, referrals, review, support
from fgc.services.conference import Attended, ItemSpec

# The demo families whose past referrals these are; the other FGC demos use the rest.
HISTORY_FAMILIES = "FS-2026-03"


@dataclass(frozen=True)
class Past:
    """One referral's story, in days before today."""

    reason: str
    key_date_kind: str
    received: int
    allocated: int
    first_meeting: int
    conference: int
    key_date: int
    decision: str
    child_took_part: str  # "in person", "views" or "" (not taking part)
    reviewed: int | None = None
    outcome: str = ""
    package: Decimal | None = None


STORIES = [
    # Held five days before the ICPC, agreed, reviewed, and the child at home six months on.
    Past(
        ReferralReason.ICPC,
        KeyDateKind.ICPC,
        received=230,
        allocated=228,
        first_meeting=224,
        conference=200,
        key_date=195,
        decision=ReferrerDecision.AGREED,
        child_took_part="in person",
        reviewed=108,
        outcome=Living.AT_HOME,
    ),
    # Held before the court hearing; the referrer wants more time; the child's views only.
    Past(
        ReferralReason.PLO,
        KeyDateKind.COURT,
        received=130,
        allocated=129,
        first_meeting=124,
        conference=92,
        key_date=90,
        decision=ReferrerDecision.MORE_TIME,
        child_took_part="views",
    ),
    # Held two days after the hearing it should have preceded; a package approved and paid.
    Past(
        ReferralReason.CARE_ORDER,
        KeyDateKind.COURT,
        received=110,
        allocated=108,
        first_meeting=103,
        conference=68,
        key_date=70,
        decision=ReferrerDecision.AGREED,
        child_took_part="",
        package=Decimal("240.00"),
    ),
]


def build() -> list[str]:
    if Referral.objects.filter(family__case_reference__startswith=HISTORY_FAMILIES).exists():
        return []  # built already
    users = {u.email: u for u in User.objects.filter(email__endswith="@kinfolk.test")}
    if "fgc@kinfolk.test" not in users or "fgc.manager@kinfolk.test" not in users:
        return []
    families = list(
        Family.objects.filter(case_reference__startswith=HISTORY_FAMILIES, fgc_referrals__isnull=True).order_by(
            "case_reference"
        )[: len(STORIES)]
    )
    fallback = users.get("practitioner@kinfolk.test") or users["fgc.manager@kinfolk.test"]
    for family, story in zip(families, STORIES, strict=False):
        _run(family, story, users["fgc@kinfolk.test"], users["fgc.manager@kinfolk.test"], fallback)
    return [f"FGC: {len(families)} past referrals, held and followed up, for the figures."] if families else []


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    return local_datetime(timezone.localdate() - dt.timedelta(days=days_ago), dt.time(hour, 0))


@transaction.atomic
def _run(family: Family, story: Past, nia: User, manager: User, fallback: User) -> None:
    referrer = family.allocated_practitioner or fallback
    today = timezone.localdate()
    children = list(family.children.order_by("date_of_birth"))
    referral = referrals.refer(
        family=family,
        by=referrer,
        children=children,
        reason=story.reason,
        consent_given_by="Mother",
        consent_given_on=today - dt.timedelta(days=story.received + 2),
        bottom_lines="The children are safe from harm at home and at school.",
    )
    referrals.allocate(referral=referral, coordinator=nia, by=manager)
    referrals.arrange_baseline_meeting(
        referral=referral,
        by=nia,
        start=_at(story.first_meeting),
        end=_at(story.first_meeting, 11),
        location="Civic Centre, Room 4",
    )
    child = children[-1]
    if story.child_took_part:
        preparation.record_child_voice(
            referral=referral,
            child=child,
            by=nia,
            participation=Participation.ATTEND if story.child_took_part == "in person" else Participation.VIEWS_ONLY,
            views="I want to keep seeing my nan every week.",
        )
    member = NetworkMember.objects.create(referral=referral, name="Pat Demo", relationship="Aunt")
    start = _at(story.conference)
    conference = Conference.objects.create(
        referral=referral,
        kind=ConferenceKind.INITIAL,
        coordinator=nia,
        venue=Venue.objects.filter(active=True).first()
        or Venue.objects.create(name="Civic Centre, Family Room", address="1 Civic Way, Kinfolk Town"),
        start=start,
        end=start + dt.timedelta(hours=3),
    )
    everything = (Stage.INFORMATION, Stage.FAMILY_TIME, Stage.PLAN)
    attendance = [Attended(everything, member=member), Attended((Stage.INFORMATION,), professional=referrer)]
    if story.child_took_part == "in person":
        attendance.append(Attended((Stage.INFORMATION, Stage.PLAN), child_id=child.pk))
    plan = conferences.record_conference(
        conference=conference,
        by=nia,
        information_sharing_started_at=start,
        family_time_started_at=start + dt.timedelta(minutes=45),
        plan_agreement_started_at=start + dt.timedelta(minutes=120),
        ended_at=start + dt.timedelta(minutes=160),
        attendance=attendance,
        items=[ItemSpec("Aunt Pat has the children every other weekend", "Pat Demo")],
        bottom_lines_met=story.decision == ReferrerDecision.AGREED,
        referrer_decision=story.decision,
        monitored_by="The social worker",
        contingency="The children stay with Aunt Pat while a new plan is made.",
    )
    item = plan.items.get()
    if story.package is not None:
        budget, _ = Budget.objects.get_or_create(
            name="Family Network Support Packages",
            financial_year=today.year if today.month >= 4 else today.year - 1,
            defaults={"amount": Decimal(25000)},
        )
        package = support.request_package(
            plan_item=item,
            by=nia,
            budget=budget,
            purpose=Purpose.TRANSPORT,
            description="Bus passes so the children can get to Aunt Pat's",
            amount=story.package,
        )
        support.decide(package=package, by=manager, approved=True)
        support.mark_paid(package=package, by=manager)
    if story.reviewed is not None:
        # The review conference met on the first working day from `reviewed` days ago; progress recorded as it ended.
        reviewed_on = add_working_days(today - dt.timedelta(days=story.reviewed + 1), 1)
        ended = reviews.held(plan, by=nia, on=reviewed_on, progress={item.pk: "Happening every other weekend."})
        FamilyPlan.objects.filter(pk=plan.pk).update(reviewed_at=ended)
    if story.outcome:
        review.record_outcome(
            referral=referral,
            child=child,
            months_after=6,
            living=story.outcome,
            by=nia,
            on=today - dt.timedelta(days=max(story.conference - 183, 0)),
        )
    # When it all happened: the services stamped today.
    Referral.objects.filter(pk=referral.pk).update(
        received_at=_at(story.received, 9),
        decided_at=_at(story.allocated, 9),
        allocated_at=_at(story.allocated, 9),
        referrer_contacted_at=_at(story.allocated, 15),
        key_date=today - dt.timedelta(days=story.key_date),
        key_date_kind=story.key_date_kind,
    )
