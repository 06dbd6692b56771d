"""Figures for the match lifecycle: active matches, contact frequency, matches ending early and why.

Each figure is an accessible table on the page and a CSV export (audited).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit, charts
from core.models import AuditAction
from volunteers.models import Contact, ContactOutcome, EndingReason, Match, MatchState, VolunteerRole
from volunteers.permissions import runs_scheme

WINDOW_DAYS = 90


def lifecycle_figures(today: dt.date | None = None) -> dict[str, list[list[object]]]:
    """Three tables, each a header row then data rows; four queries whatever the numbers."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=WINDOW_DAYS)
    active = dict(
        Match.objects.filter(state=MatchState.ACTIVE)
        .values_list("request__role")
        .annotate(n=Count("pk"))
        .values_list("request__role", "n")
    )
    made = dict(
        Contact.objects.filter(match__state=MatchState.ACTIVE, occurred_on__gte=since, outcome=ContactOutcome.MADE)
        .values_list("match__request__role")
        .annotate(n=Count("pk"))
        .values_list("match__request__role", "n")
    )
    frequency: list[list[object]] = [
        ["Role", "Active matches", f"Contacts made in {WINDOW_DAYS} days", "Contacts a match a month"]
    ]
    for role in VolunteerRole:
        n, contacts = active.get(role.value, 0), made.get(role.value, 0)
        per_month = round(contacts / n / (WINDOW_DAYS / 30), 1) if n else 0
        frequency.append([role.label, n, contacts, per_month])
    ended = Match.objects.filter(state=MatchState.ENDED)
    reasons = dict(
        ended.values_list("ending_reason")
        .annotate(n=Count("pk", filter=Q(planned_ending=False)))
        .values_list("ending_reason", "n")
    )
    totals = ended.aggregate(
        all=Count("pk"), early=Count("pk", filter=Q(planned_ending=False)), met=Count("pk", filter=Q(goals_met=True))
    )
    early: list[list[object]] = [["Why matches ended early", "Matches"]]
    early += [[reason.label, reasons.get(reason.value, 0)] for reason in EndingReason]
    summary: list[list[object]] = [
        ["Figure", "Number"],
        ["Active matches", sum(active.values())],
        ["Matches ended", totals["all"]],
        ["Of which ended early (unplanned)", totals["early"]],
        ["Of which met their goals", totals["met"]],
    ]
    return {"summary": summary, "frequency": frequency, "early": early}


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not runs_scheme(request.user):
        raise Http404
    tables = lifecycle_figures()
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for name, rows in tables.items():
            writer.writerow([name])
            writer.writerows(rows)
            writer.writerow([])
        with transaction.atomic():
            audit.record(
                action=AuditAction.EXPORT,
                object_type="volunteers.Match",
                request=request,
                detail={"figures": "lifecycle"},
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="volunteer-matches-figures.csv"'
        return response
    chart_of = {
        "summary": charts.bars([(str(r[0]), r[1]) for r in tables["summary"][1:]]),
        "frequency": charts.bars([(str(r[0]), r[3]) for r in tables["frequency"][1:]]),
        "early": charts.bars([(str(r[0]), r[1]) for r in tables["early"][1:]]),
    }
    shown = [(name, rows, chart_of[name]) for name, rows in tables.items()]
    return render(request, "volunteers/lifecycle/figures.html", {"tables": shown, "window": WINDOW_DAYS})
