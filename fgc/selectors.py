"""Reads for the FGC pages: the waiting list, coordinators' caseloads and the timeliness clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from diary.workdays import is_working_day
from families.models import Child
from fgc.models import (
    ChildVoice,
    Conference,
    ConferenceStatus,
    CoordinatorProfile,
    NetworkMember,
    NoNewNewsCheck,
    PreparationVisit,
    Referral,
    ReferralStatus,
    Urgency,
)
from fgc.services.referrals import CONTACT_HOURS, WAITING_STATUSES, baseline_due_by

# Referrals whose deadline is this many working days away or fewer are at risk.
AT_RISK_WORKING_DAYS = 10
NOT_YET_HELD = (
    ReferralStatus.RECEIVED,
    ReferralStatus.WAITING,
    ReferralStatus.ALLOCATED,
    ReferralStatus.PREPARING,
    ReferralStatus.BOOKED,
    ReferralStatus.PAUSED,
)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` has passed."""
    if end == start:
        return 0
    step = 1 if end > start else -1
    day, count = start, 0
    while day != end:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            count += step
    return count


@dataclass(frozen=True)
class Clock:
    """Where a referral stands against the date it must precede, and its first milestones."""

    working_days_left: int | None
    contact_overdue: bool
    baseline_overdue: bool

    @property
    def at_risk(self) -> bool:
        late = self.working_days_left is not None and self.working_days_left <= AT_RISK_WORKING_DAYS
        return late or self.contact_overdue or self.baseline_overdue


def clock_for(referral: Referral, *, today: dt.date | None = None) -> Clock:
    today = today or timezone.localdate()
    now = timezone.now()
    left = None
    if referral.key_date is not None and referral.status in NOT_YET_HELD:
        left = working_days_between(today, referral.key_date)
    contact_overdue = bool(
        referral.allocated_at
        and referral.referrer_contacted_at is None
        and now - referral.allocated_at > dt.timedelta(hours=CONTACT_HOURS)
        and referral.status in NOT_YET_HELD
    )
    due = baseline_due_by(referral)
    baseline_overdue = bool(
        due is not None
        and today > due
        and referral.status == ReferralStatus.ALLOCATED
        and referral.baseline_meeting_id is None
    )
    return Clock(left, contact_overdue, baseline_overdue)


def waiting_list() -> QuerySet[Referral]:
    """Accepted or newly received referrals in the order they will be allocated."""
    return (
        Referral.objects.filter(status__in=WAITING_STATUSES)
        .select_related("family", "referred_by")
        .order_by(
            # Urgent first ("urgent" sorts after "routine": descending puts it first).
            "-urgency",
            "received_at",
        )
    )


def at_risk(referrals: QuerySet[Referral], *, today: dt.date | None = None) -> list[tuple[Referral, Clock]]:
    """Open referrals at risk of missing their date or first milestones, soonest deadline first."""
    rows = referrals.filter(status__in=NOT_YET_HELD).select_related("family", "coordinator")
    found = [(r, clock_for(r, today=today)) for r in rows]
    risky = [(r, c) for r, c in found if c.at_risk]
    far = 10**6
    return sorted(
        risky, key=lambda rc: (rc[1].working_days_left if rc[1].working_days_left is not None else far, rc[0].pk)
    )


@dataclass(frozen=True)
class CoordinatorLoad:
    user: User
    open_referrals: int
    upcoming_conferences: int
    languages: list[str]
    max_caseload: int


def coordinator_loads() -> list[CoordinatorLoad]:
    """Each FGC coordinator's caseload, upcoming conferences and languages: one query for the lot."""
    now = timezone.now()
    users = (
        User.objects.filter(is_active=True, groups__name=Role.FGC_COORDINATOR.value)
        .annotate(
            open_referrals=Count(
                "fgc_allocations",
                filter=~Q(fgc_allocations__status__in=[ReferralStatus.CLOSED, ReferralStatus.DECLINED]),
                distinct=True,
            ),
        )
        .order_by("full_name")
    )
    users_list = list(users)
    profiles = {p.user_id: p for p in CoordinatorProfile.objects.filter(user__in=users_list)}

    upcoming = dict(
        Conference.objects.filter(coordinator__in=users_list, status=ConferenceStatus.BOOKED, start__gte=now)
        .values_list("coordinator")
        .annotate(n=Count("pk"))
        .values_list("coordinator", "n")
    )
    return [
        CoordinatorLoad(
            user=u,
            open_referrals=u.open_referrals,
            upcoming_conferences=upcoming.get(u.pk, 0),
            languages=list(profiles[u.pk].languages) if u.pk in profiles else [],
            max_caseload=profiles[u.pk].max_caseload if u.pk in profiles else 8,
        )
        for u in users_list
    ]


def is_urgent(referral: Referral) -> bool:
    return referral.urgency == Urgency.URGENT


# -- preparation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preparation:
    """Everything on a referral's preparation page, in a fixed number of queries however large the network."""

    members: list[NetworkMember]
    visits: list[PreparationVisit]
    children: list[Child]
    voices: dict[int, ChildVoice]
    no_new_news: NoNewNewsCheck | None


def preparation_of(referral: Referral) -> Preparation:
    return Preparation(
        members=list(NetworkMember.objects.filter(referral=referral).order_by("name")),
        visits=list(
            PreparationVisit.objects.filter(referral=referral)
            .select_related("member", "child", "by")
            .order_by("-visited_on", "-pk")
        ),
        children=list(referral.children.order_by("date_of_birth")),
        voices={v.child_id: v for v in ChildVoice.objects.filter(referral=referral)},
        no_new_news=NoNewNewsCheck.objects.filter(referral=referral).select_related("checked_by").first(),
    )
