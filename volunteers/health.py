"""Reads for the coordinator: matches at risk of ending early, and age and plan boundaries ahead.

Each is a fixed number of queries however many matches there are (annotations, not loops of queries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from volunteers.models import CheckIn, Match, MatchState, VolunteerRole

# Live matches the health checks look at (an introduction not yet turned active counts too).
WATCHED = (MatchState.INTRODUCED, MatchState.ACTIVE)
RECENT_DAYS = 60


@dataclass
class AtRisk:
    match: Match
    reasons: list[str] = field(default_factory=list)


def _annotated(matches: QuerySet[Match], today: dt.date) -> QuerySet[Match]:
    recent = today - dt.timedelta(days=RECENT_DAYS)
    return matches.annotate(
        last_contact_on=Coalesce(Max("contacts__occurred_on"), "started_on"),
        unmade_recently=Count(
            "contacts",
            filter=Q(contacts__occurred_on__gte=recent) & ~Q(contacts__outcome="made"),
            distinct=True,
        ),
        missed_reviews=Count(
            "reviews", filter=Q(reviews__held_on__isnull=True, reviews__due_on__lt=today), distinct=True
        ),
    )


def at_risk_matches(matches: QuerySet[Match], *, today: dt.date | None = None) -> list[AtRisk]:
    """Live matches with a warning sign: a contact gap, cancelled or attempted contacts,
    a missed review, or a worrying check-in from either side, each with why."""
    today = today or timezone.localdate()
    gap_days = settings.KINFOLK_VOLUNTEER_CONTACT_NUDGE_DAYS
    rows = list(
        _annotated(matches.filter(state__in=WATCHED), today).select_related("request", "volunteer").order_by("pk")
    )
    worrying: dict[int, list[str]] = {}
    recent = today - dt.timedelta(days=RECENT_DAYS)
    for check_in in CheckIn.objects.filter(match__in=[m.pk for m in rows], recorded_on__gte=recent):
        if check_in.worrying:
            worrying.setdefault(check_in.match_id, []).append(check_in.get_side_display().lower())
    flagged = []
    for match in rows:
        reasons = []
        last = match.last_contact_on  # type: ignore[attr-defined]
        if last is not None and (today - last).days >= gap_days:
            reasons.append(f"No contact for {(today - last).days} days")
        if match.unmade_recently >= 2:  # type: ignore[attr-defined]
            reasons.append(f"{match.unmade_recently} contacts cancelled or not made in {RECENT_DAYS} days")  # type: ignore[attr-defined]
        if match.missed_reviews:  # type: ignore[attr-defined]
            reasons.append("Review overdue")
        for side in sorted(set(worrying.get(match.pk, []))):
            reasons.append(f"Worrying check-in from {side}")
        if reasons:
            flagged.append(AtRisk(match=match, reasons=reasons))
    return flagged


@dataclass(frozen=True)
class Boundary:
    match: Match
    prompt: str
    on: dt.date


def birthday(born: dt.date, age: int) -> dt.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February
        return dt.date(born.year + age, 3, 1)


def boundaries(matches: QuerySet[Match], *, today: dt.date | None = None) -> list[Boundary]:
    """Care leavers' 21st and 25th birthdays within the prompt window, and families whose plan closed."""
    from volunteers.services.lifecycle import add_months

    today = today or timezone.localdate()
    horizon = add_months(today, settings.KINFOLK_VOLUNTEER_TRANSITION_PROMPT_MONTHS)
    live = matches.filter(state__in=(*WATCHED, MatchState.CONFIRMED)).select_related(
        "request__care_leaver", "request__family", "volunteer"
    )
    found = []
    for match in live.filter(request__role=VolunteerRole.CARE_LEAVER_MENTOR, request__care_leaver__isnull=False):
        born = match.request.care_leaver.date_of_birth  # type: ignore[union-attr]
        for age in (21, 25):
            day = birthday(born, age)
            if today <= day <= horizon:
                ordinal = "21st" if age == 21 else "25th"
                found.append(Boundary(match, f"Plan the transition: {ordinal} birthday", day))
    for match in live.filter(request__family__closed_on__isnull=False):
        found.append(Boundary(match, "Family's plan closed: review step-down", match.request.family.closed_on))  # type: ignore[union-attr,arg-type]
    return sorted(found, key=lambda b: b.on)
