"""Figures for managers: how GCS is running, per group and across the groups a manager oversees.

Each figure is a table (rows of plain values, a header and a total row where
it adds up) so the page can draw a chart from it, show the same numbers as an
accessible table and offer them as CSV. Every figure is one aggregate query
(GROUP BY in the database), whatever the number of sessions, members or
actions: fast on a county's worth of data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from accounts.models import Role
from core.charts import Figure
from diary.workdays import working_hours_between
from supervision.models import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Discipline,
    Paper,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
)

PERIODS = {"3": 3, "6": 6, "12": 12}
DEFAULT_PERIOD = "12"


def managed_groups(user: Any) -> list[SupervisionGroup]:
    """The groups whose figures the user may see: those they coordinate, and their teams' as a manager."""
    condition = Q(coordinator=user)
    if Role.MANAGER.value in user.role_names:
        condition |= Q(team__managers=user)
    return list(SupervisionGroup.objects.filter(pk__in=SupervisionGroup.objects.filter(condition).values("pk")))


def may_see_figures(user: Any) -> bool:
    return bool(user.role_names & {Role.MANAGER.value, Role.GCS_COORDINATOR.value})


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _with_total(rows: list[list[Any]], groups: list[SupervisionGroup], build: Callable[[str], list[Any]]) -> None:
    """Add the service-wide row when there is more than one group to add up."""
    if len(groups) > 1:
        rows.append(build("All groups"))


def sessions_held(groups: list[SupervisionGroup], since: dt.datetime, now: dt.datetime) -> Figure:
    planned = Q(start__gte=since, start__lt=now)
    counts = {
        row["group_id"]: row
        for row in SupervisionSession.objects.filter(planned, group__in=groups)
        .values("group_id")
        .annotate(
            planned=Count("pk"),
            held=Count("pk", filter=Q(status=SessionStatus.SCHEDULED, end__lt=now)),
            cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
        )
    }
    figure = Figure(
        "sessions-held",
        "Sessions held against planned",
        "Sessions planned to start in the period, how many took place and how many were cancelled.",
        ["Group", "Planned", "Held", "Cancelled", "Held (%)"],
    )
    totals = [0, 0, 0]
    for group in groups:
        c = counts.get(group.pk, {"planned": 0, "held": 0, "cancelled": 0})
        figure.rows.append([group.name, c["planned"], c["held"], c["cancelled"], _percent(c["held"], c["planned"])])
        totals = [totals[0] + c["planned"], totals[1] + c["held"], totals[2] + c["cancelled"]]
    _with_total(figure.rows, groups, lambda name: [name, *totals, _percent(totals[1], totals[0])])
    return figure


def attendance_by_discipline(groups: list[SupervisionGroup], since: dt.datetime, now: dt.datetime) -> Figure:
    """For each discipline: at how many held sessions (with attendance recorded) someone of it was present."""
    held = SupervisionSession.objects.filter(
        group__in=groups, status=SessionStatus.SCHEDULED, start__gte=since, end__lt=now
    ).filter(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
    recorded = dict(held.values("group_id").annotate(n=Count("pk")).values_list("group_id", "n"))
    present: dict[tuple[int, str], int] = {
        (row["session__group_id"], row["discipline"]): row["n"]
        for row in Attendance.objects.filter(session__in=held, status=AttendanceStatus.PRESENT)
        .exclude(discipline="")
        .values("session__group_id", "discipline")
        .annotate(n=Count("session_id", distinct=True))
    }
    labels = dict(Discipline.choices)
    figure = Figure(
        "attendance",
        "Attendance by discipline",
        "Of the sessions held with attendance recorded, at how many someone from each discipline was present.",
        ["Group", "Discipline", "Sessions recorded", "Sessions with the discipline present", "Present (%)"],
        chart_labels=(1,),
        chart_only="All groups" if len(groups) > 1 else (groups[0].name if groups else ""),
    )
    # The chart reads best per discipline across the groups: the per-group rows are in the table.
    service: dict[str, int] = defaultdict(int)
    for group in groups:
        for key, label in labels.items():
            n = present.get((group.pk, key), 0)
            service[key] += n
            if recorded.get(group.pk):
                figure.rows.append([group.name, label, recorded[group.pk], n, _percent(n, recorded[group.pk])])
    total_recorded = sum(recorded.values())
    if len(groups) > 1 and total_recorded:
        for key, label in labels.items():
            figure.rows.append(
                ["All groups", label, total_recorded, service[key], _percent(service[key], total_recorded)]
            )
    return figure


def papers_on_time(groups: list[SupervisionGroup], since: dt.datetime, now: dt.datetime) -> Figure:
    items = AgendaItem.objects.filter(
        session__group__in=groups,
        session__status=SessionStatus.SCHEDULED,
        session__start__gte=since,
        session__start__lt=now,
    ).annotate(
        on_time=Exists(Paper.objects.filter(item=OuterRef("pk"), late=False)),
        any_paper=Exists(Paper.objects.filter(item=OuterRef("pk"))),
    )
    counts = {
        row["session__group_id"]: row
        for row in items.values("session__group_id").annotate(
            total=Count("pk"),
            on_time_n=Count("pk", filter=Q(on_time=True)),
            late_n=Count("pk", filter=Q(on_time=False, any_paper=True)),
            missing_n=Count("pk", filter=Q(any_paper=False)),
        )
    }
    figure = Figure(
        "papers",
        "Papers on time",
        "Families discussed in the period: papers in by the deadline, only late papers, or no papers.",
        ["Group", "Families discussed", "Papers on time", "Late", "None", "On time (%)"],
    )
    totals = [0, 0, 0, 0]
    for group in groups:
        c = counts.get(group.pk, {"total": 0, "on_time_n": 0, "late_n": 0, "missing_n": 0})
        row = [c["total"], c["on_time_n"], c["late_n"], c["missing_n"]]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        figure.rows.append([group.name, *row, _percent(c["on_time_n"], c["total"])])
    _with_total(figure.rows, groups, lambda name: [name, *totals, _percent(totals[1], totals[0])])
    return figure


def _hours(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def minutes_turnaround(groups: list[SupervisionGroup], since: dt.datetime, now: dt.datetime) -> Figure:
    """Working hours (diary.workdays) from the end of a session to its minutes going out."""
    held = SupervisionSession.objects.filter(
        group__in=groups, status=SessionStatus.SCHEDULED, start__gte=since, end__lt=now, items__isnull=False
    ).distinct()
    stats = {
        row["group_id"]: row
        for row in SupervisionSession.objects.filter(pk__in=held.values("pk"))
        .values("group_id")
        .annotate(
            circulated=Count("pk", filter=Q(turnaround_working_hours__isnull=False)),
            average=Avg("turnaround_working_hours"),
            longest=Max("turnaround_working_hours"),
        )
    }
    # Minutes still to go out: how long they have waited so far, in working hours.
    waiting: dict[int, list[float]] = defaultdict(list)
    for group_id, end in SupervisionSession.objects.filter(
        pk__in=held.values("pk"), first_circulated_at__isnull=True
    ).values_list("group_id", "end"):
        waiting[group_id].append(working_hours_between(end, now))
    figure = Figure(
        "turnaround",
        "Minutes turnaround",
        "Working hours from the end of each session to its minutes being circulated (weekends and bank holidays "
        "not counted), and minutes still waiting.",
        ["Group", "Minutes circulated", "Average (working hours)", "Longest (working hours)", "Still waiting"],
        chart_value=2,
        chart_unit=" h",
    )
    for group in groups:
        s = stats.get(group.pk, {"circulated": 0, "average": None, "longest": None})
        figure.rows.append(
            [group.name, s["circulated"], _hours(s["average"]), _hours(s["longest"]), len(waiting[group.pk])]
        )
    if len(groups) > 1:
        all_stats = SupervisionSession.objects.filter(pk__in=held.values("pk")).aggregate(
            circulated=Count("pk", filter=Q(turnaround_working_hours__isnull=False)),
            average=Avg("turnaround_working_hours"),
            longest=Max("turnaround_working_hours"),
        )
        figure.rows.append(
            [
                "All groups",
                all_stats["circulated"],
                _hours(all_stats["average"]),
                _hours(all_stats["longest"]),
                sum(len(w) for w in waiting.values()),
            ]
        )
    return figure


def actions_overdue(groups: list[SupervisionGroup], now: dt.datetime) -> Figure:
    rows = (
        Action.objects.overdue(timezone.localdate(now))
        .filter(group__in=groups)
        .values("group__name", "owner__full_name")
        .annotate(n=Count("pk"))
        .order_by("group__name", "-n", "owner__full_name")
    )
    figure = Figure(
        "overdue",
        "Actions overdue by owner",
        "Open actions past their due date today, by the person who owns them.",
        ["Group", "Owner", "Overdue actions"],
        chart_labels=(1, 0) if len(groups) > 1 else (1,),
        chart_unit="",
    )
    figure.rows = [[row["group__name"], row["owner__full_name"], row["n"]] for row in rows]
    return figure


def all_figures(groups: list[SupervisionGroup], *, months: int, now: dt.datetime | None = None) -> list[Figure]:
    now = now or timezone.now()
    since = now - dt.timedelta(days=round(months * 30.44))
    return [
        sessions_held(groups, since, now),
        attendance_by_discipline(groups, since, now),
        papers_on_time(groups, since, now),
        minutes_turnaround(groups, since, now),
        actions_overdue(groups, now),
    ]
