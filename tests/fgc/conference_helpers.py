"""A booked conference written directly (booking is fgc.services.booking's work), and its recording."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from families.models import Family
from fgc.models import (
    Conference,
    ConferenceStatus,
    FamilyPlan,
    NetworkMember,
    PlanItem,
    Referral,
    ReferralStatus,
    ReferrerDecision,
    Stage,
    Venue,
)
from fgc.services import conference as services
from fgc.services import referrals
from fgc.services.conference import Attended, ItemSpec
from tests.fgc.factories import make_referral, make_venue

VENUE = "Civic Centre, Room 2"


def booked_conference(*, family: Family, referrer: User, coordinator: User, days_ago: int = 0) -> Conference:
    referral = make_referral(family=family, referred_by=referrer)
    referral = referrals.allocate(referral=referral, coordinator=coordinator, by=referrer)
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.BOOKED)
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago, hours=4)
    return Conference.objects.create(
        referral=referral,
        coordinator=coordinator,
        venue=Venue.objects.filter(name=VENUE).first() or make_venue(VENUE),
        start=start,
        end=start + dt.timedelta(hours=3),
    )


def add_member(referral: Referral, name: str = "Grandma Rose", **extra: Any) -> NetworkMember:
    fields = {"relationship": "Maternal grandmother", "address": "3 Elm Road\nTownville"} | extra
    return NetworkMember.objects.create(referral=referral, name=name, **fields)


def record(conference: Conference, *, by: User, **overrides: Any) -> FamilyPlan:
    start = conference.start
    member = add_member(conference.referral)
    arguments: dict[str, Any] = {
        "information_sharing_started_at": start,
        "family_time_started_at": start + dt.timedelta(minutes=45),
        "plan_agreement_started_at": start + dt.timedelta(minutes=120),
        "ended_at": start + dt.timedelta(minutes=160),
        "attendance": [
            Attended((Stage.INFORMATION, Stage.FAMILY_TIME, Stage.PLAN), member=member),
            Attended((Stage.INFORMATION,), professional=conference.referral.referred_by),
        ],
        "items": [
            ItemSpec(
                "Grandma Rose collects the children from school every weekday",
                "Grandma Rose",
                timezone.localdate() + dt.timedelta(days=14),
            ),
            ItemSpec("Mum attends the parenting course", "Mum"),
        ],
        "bottom_lines_met": True,
        "referrer_decision": ReferrerDecision.AGREED,
        "monitored_by": "The social worker",
        "contingency": "The children stay with Grandma Rose if Dad returns.",
    }
    arguments.update(overrides)
    return services.record_conference(conference=conference, by=by, **arguments)


def record_form(conference: Conference, **extra: str) -> dict[str, object]:
    """What the coordinator types into the conference's record page (a family member added to take part)."""
    member = add_member(conference.referral)
    day = timezone.localtime(conference.start).date()
    data: dict[str, object] = {
        "day": day.isoformat(),
        "information_time": "10:00",
        "family_time": "10:45",
        "plan_time": "12:00",
        "end_time": "12:40",
        f"att_m{member.pk}": ["information", "family_time", "plan"],
        f"att_p{conference.referral.referred_by_id}": ["information"],
        "item_1_what": "Grandma Rose has the children after school",
        "item_1_who": "Grandma Rose",
        "item_1_by": (day + dt.timedelta(days=7)).isoformat(),
        "bottom_lines_met": "yes",
        "referrer_decision": "agreed",
        "monitored_by": "Social worker",
        "contingency": "Aunt steps in.",
    }
    data.update(extra)
    return data


def pdf_pages(name: str) -> list[str]:
    with default_storage.open(name, "rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return [page.extract_text() for page in reader.pages]


def held_awaiting_review(*, family: Family, referrer: User, coordinator: User, days_ago: int = 2) -> FamilyPlan:
    """A conference held (written directly, no review booked) whose plan waits for its review."""
    conference = booked_conference(family=family, referrer=referrer, coordinator=coordinator, days_ago=days_ago)
    Conference.objects.filter(pk=conference.pk).update(
        status=ConferenceStatus.HELD, information_sharing_ends_at=conference.start + dt.timedelta(hours=1)
    )
    Referral.objects.filter(pk=conference.referral_id).update(status=ReferralStatus.HELD)
    plan = FamilyPlan.objects.create(conference=conference, bottom_lines_met=True, referrer_decision="agreed")
    PlanItem.objects.create(plan=plan, what="Grandma has the children after school", who="Grandma")
    return FamilyPlan.objects.select_related("conference__referral", "conference__venue").get(pk=plan.pk)
