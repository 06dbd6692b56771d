"""Figures for the FGC service: each a table the page draws as a chart and offers as CSV.

Every figure is one query (GROUP BY or an aggregate in the database) however many
referrals there are. The days between the steps are the exception only in where the
median is taken: one query fetches each referral's dates, and Python takes the
medians, because SQLite has no median and the figure must run on both databases.

Periods: referrals *received* in the period (by reason; the days between steps),
initial conferences *held* in it (held before the date; the children's
participation; plans agreed), outcomes *recorded* in it, and the budgets of the
financial years it touches. `FiguresScope` (fgc.permissions) narrows each to one
coordinator's allocations.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.charts import Figure
from diary.models import MeetingStatus
from fgc.models import (
    Budget,
    ChildVoice,
    Conference,
    ConferenceAttendance,
    ConferenceKind,
    ConferenceStatus,
    FamilyPlan,
    KeyDateKind,
    Living,
    Outcome,
    PackageStatus,
    Referral,
    ReferralReason,
    ReferralStatus,
    ReferrerDecision,
    Urgency,
)
from fgc.permissions import FiguresScope

PERIODS = {"3": 3, "6": 6, "12": 12}
DEFAULT_PERIOD = "12"
MONEY_PLACES = Decimal("0.01")


def percent(part: int | Decimal, whole: int | Decimal) -> int | None:
    return round(100 * part / whole) if whole else None


def _median(days: list[int]) -> float | int | None:
    if not days:
        return None
    middle = statistics.median(days)
    return int(middle) if middle == int(middle) else round(middle, 1)


def _held_initial(path: str = "") -> Q:
    return Q(**{f"{path}kind": ConferenceKind.INITIAL, f"{path}status": ConferenceStatus.HELD})


def _held_in(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> QuerySet[Conference]:
    """The initial conferences held in the period, for the referrals in scope."""
    return Conference.objects.filter(
        _held_initial(), scope.referrals("referral__"), start__gte=since, start__lt=now
    ).order_by()


def referrals_by_reason(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> Figure:
    counts = {
        row["reason"]: row
        for row in Referral.objects.filter(scope.referrals(), received_at__gte=since, received_at__lt=now)
        .order_by()
        .values("reason")
        .annotate(n=Count("pk"), declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)))
    }
    total = sum(c["n"] for c in counts.values())
    figure = Figure(
        "reasons",
        "Referrals by reason",
        "Referrals received in the period, why the family was referred, and how many were declined.",
        ["Reason", "Referrals", "Share of referrals (%)", "Declined"],
        chart_value=1,
        chart_unit="",
        chart_except="All reasons",
    )
    for reason in ReferralReason:
        c = counts.get(reason.value, {"n": 0, "declined": 0})
        figure.rows.append([reason.label, c["n"], percent(c["n"], total), c["declined"]])
    declined = sum(c["declined"] for c in counts.values())
    figure.rows.append(["All reasons", total, 100 if total else None, declined])
    return figure


def _days(start: dt.datetime, end: dt.datetime) -> int:
    return (timezone.localdate(end) - timezone.localdate(start)).days


def days_between_steps(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> Figure:
    """Calendar days from the referral to each step, for referrals received in the period.

    The first meeting is the diarised baseline meeting once its time has come (not
    cancelled); an urgent referral folds it into the conference day, so without one
    its first meeting is the conference.
    """
    rows = (
        Referral.objects.filter(scope.referrals(), received_at__gte=since, received_at__lt=now)
        .order_by()
        .annotate(
            conference_at=Min("conferences__start", filter=_held_initial("conferences__")),
            reviewed_at=Min("conferences__plan__reviewed_at", filter=_held_initial("conferences__")),
        )
        .values_list(
            "received_at",
            "allocated_at",
            "urgency",
            "baseline_meeting__start",
            "baseline_meeting__status",
            "conference_at",
            "reviewed_at",
        )
    )
    steps = ["Referred", "Allocated", "First meeting", "Conference held", "Review held"]
    reached = dict.fromkeys(steps, 0)
    from_before: dict[str, list[int]] = {step: [] for step in steps}
    from_referral: dict[str, list[int]] = {step: [] for step in steps}
    for received, allocated, urgency, baseline, baseline_status, conference, reviewed in rows:
        first: dt.datetime | None = None
        if baseline is not None and baseline_status == MeetingStatus.SCHEDULED and baseline <= now:
            first = baseline
        elif urgency == Urgency.URGENT and conference is not None:
            first = conference
        dates = dict(zip(steps, [received, allocated, first, conference, reviewed], strict=True))
        for before, step in itertools.pairwise(steps):
            at, previous = dates[step], dates[before]
            if at is None:
                continue
            reached[step] += 1
            from_referral[step].append(_days(received, at))
            if previous is not None:
                from_before[step].append(_days(previous, at))
        reached["Referred"] += 1
    figure = Figure(
        "days",
        "Days from referral to review",
        "For referrals received in the period: how many reached each step, and the median calendar days from the "
        "step before and from the referral. An urgent referral's first meeting is its conference day.",
        ["Step", "Referrals reaching it", "Median days from the step before", "Median days from the referral"],
        chart_value=2,
        chart_unit=" days",
    )
    for step in steps:
        figure.rows.append([step, reached[step], _median(from_before[step]), _median(from_referral[step])])
    return figure


def held_before_date(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> Figure:
    """Of the conferences held in the period for a referral with a date to precede, how many came before it."""
    counts = {
        row["referral__key_date_kind"]: row
        for row in _held_in(scope, since, now)
        .filter(referral__key_date__isnull=False)
        .values("referral__key_date_kind")
        .annotate(
            held=Count("referral", distinct=True),
            before=Count("referral", distinct=True, filter=Q(referral__key_date__gt=TruncDate("start"))),
        )
    }
    figure = Figure(
        "before-date",
        "Conferences held before the ICPC or court date",
        "Conferences held in the period for referrals with a date they must precede (the ICPC, a court hearing or "
        "another deadline): how many were held before that date.",
        ["Date to precede", "Conferences held", "Held before the date", "Held before (%)"],
        chart_except="All dates",
    )
    kinds: list[tuple[str, str]] = [(k.value, k.label) for k in KeyDateKind]
    if "" in counts:
        kinds.append(("", "Date of no stated kind"))
    for value, label in kinds:
        c = counts.get(value, {"held": 0, "before": 0})
        figure.rows.append([label, c["held"], c["before"], percent(c["before"], c["held"])])
    held, before = sum(c["held"] for c in counts.values()), sum(c["before"] for c in counts.values())
    figure.rows.append(["All dates", held, before, percent(before, held)])
    return figure


def child_participation(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> Figure:
    """How each child of a conference held in the period took part, as the conference and their views record it.

    In person: the child's attendance is recorded at the conference (any stage). Otherwise
    through an FGC Ambassador: the child chose the ambassador to speak for them. Otherwise
    views only: their views were recorded for the conference. Otherwise they did not take part.
    """
    child_of = Referral.children.through
    voice = ChildVoice.objects.filter(referral_id=OuterRef("referral_id"), child_id=OuterRef("child_id"))
    in_person = Exists(
        ConferenceAttendance.objects.filter(
            _held_initial("conference__"),
            conference__referral_id=OuterRef("referral_id"),
            child_id=OuterRef("child_id"),
        )
    )
    by_ambassador = Exists(voice.filter(spoken_by_ambassador=True))
    views = Exists(voice.exclude(views=""))
    totals = child_of.objects.filter(referral_id__in=_held_in(scope, since, now).values("referral_id")).aggregate(
        children=Count("pk"),
        in_person=Count("pk", filter=Q(in_person)),
        by_ambassador=Count("pk", filter=~Q(in_person) & Q(by_ambassador)),
        views_only=Count("pk", filter=~Q(in_person) & ~Q(by_ambassador) & Q(views)),
    )
    children = totals["children"]
    not_taking_part = children - totals["in_person"] - totals["by_ambassador"] - totals["views_only"]
    figure = Figure(
        "participation",
        "Children's participation",
        "The children of the conferences held in the period: whether each took part in person, through an FGC "
        "Ambassador speaking for them, with their views only, or not at all.",
        ["How the child took part", "Children", "Share (%)"],
        chart_except="All children",
    )
    for label, n in [
        ("In person", totals["in_person"]),
        ("Through an FGC Ambassador", totals["by_ambassador"]),
        ("Views only", totals["views_only"]),
        ("Did not take part", not_taking_part),
        ("All children", children),
    ]:
        figure.rows.append([label, n, percent(n, children)])
    return figure


def plans_agreed(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> Figure:
    counts = {
        row["referrer_decision"]: row
        for row in FamilyPlan.objects.filter(conference__in=_held_in(scope, since, now))
        .order_by()
        .values("referrer_decision")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(bottom_lines_met=True)))
    }
    total = sum(c["n"] for c in counts.values())
    figure = Figure(
        "plans",
        "Plans agreed",
        "The plans of the conferences held in the period: the referrer's decision, and how many met the bottom lines.",
        ["Referrer's decision", "Plans", "Share (%)", "Bottom lines met"],
        chart_value=2,
        chart_except="All plans",
    )
    decisions: list[tuple[str, str]] = [(d.value, d.label) for d in ReferrerDecision]
    if "" in counts:
        decisions.append(("", "No decision recorded"))
    for value, label in decisions:
        c = counts.get(value, {"n": 0, "met": 0})
        figure.rows.append([label, c["n"], percent(c["n"], total), c["met"]])
    figure.rows.append(["All plans", total, 100 if total else None, sum(c["met"] for c in counts.values())])
    return figure


def _financial_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _money(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(MONEY_PLACES)


def spend_against_budget(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> Figure:
    """Each budget pot of the financial years the period touches: its packages approved, paid and awaiting."""
    mine = scope.referrals("packages__plan_item__plan__conference__referral__")
    total = F("packages__amount") * F("packages__payments")
    budgets = (
        Budget.objects.filter(
            financial_year__gte=_financial_year(timezone.localdate(since)),
            financial_year__lte=_financial_year(timezone.localdate(now)),
        )
        .annotate(
            awaiting=Sum(total, filter=mine & Q(packages__status=PackageStatus.REQUESTED)),
            approved=Sum(total, filter=mine & Q(packages__status=PackageStatus.APPROVED)),
            paid=Sum("packages__paid_amount", filter=mine & Q(packages__status=PackageStatus.PAID)),
        )
        .order_by("-financial_year", "name")
    )
    figure = Figure(
        "spend",
        "Support-package spend against budget",
        "Each budget pot of the financial years in the period: packages approved (not yet paid) and paid, as a "
        "share of the pot, and those awaiting approval."
        + ("" if scope.whole_service else " Only the packages for the referrals allocated to you are counted."),
        [
            "Budget",
            "Budget (£)",
            "Approved, not yet paid (£)",
            "Paid (£)",
            "Approved or paid (% of budget)",
            "Awaiting approval (£)",
        ],
        chart_value=4,
    )
    for budget in budgets:
        approved, paid = _money(budget.approved), _money(budget.paid)
        figure.rows.append(
            [
                str(budget),
                _money(budget.amount),
                approved,
                paid,
                percent(approved + paid, budget.amount),
                _money(budget.awaiting),
            ]
        )
    return figure


def outcomes(scope: FiguresScope, since: dt.datetime, now: dt.datetime) -> Figure:
    counts = {
        (row["months_after"], row["living"]): row["n"]
        for row in Outcome.objects.filter(
            scope.referrals("referral__"),
            recorded_on__gte=timezone.localdate(since),
            recorded_on__lte=timezone.localdate(now),
        )
        .order_by()
        .values("months_after", "living")
        .annotate(n=Count("pk"))
    }
    figure = Figure(
        "outcomes",
        "Outcomes at 6 and 12 months",
        "Where each child was living 6 and 12 months after their conference, as recorded in the period.",
        ["After", "Where the child is living", "Children", "Share at that point (%)"],
        chart_labels=(0, 1),
        chart_value=2,
        chart_unit="",
    )
    for months in (6, 12):
        at_point = sum(n for (m, _), n in counts.items() if m == months)
        for living in Living:
            n = counts.get((months, living.value), 0)
            figure.rows.append([f"{months} months", living.label, n, percent(n, at_point)])
    return figure


def all_figures(scope: FiguresScope, *, months: int, now: dt.datetime | None = None) -> list[Figure]:
    now = now or timezone.now()
    since = now - dt.timedelta(days=round(months * 30.44))
    builders: tuple[Callable[[FiguresScope, dt.datetime, dt.datetime], Figure], ...] = (
        referrals_by_reason,
        days_between_steps,
        held_before_date,
        child_participation,
        plans_agreed,
        spend_against_budget,
        outcomes,
    )
    return [build(scope, since, now) for build in builders]
