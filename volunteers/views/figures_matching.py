"""Figures: time from request to match, by role, as a table and a CSV export (audited)."""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit
from core.models import AuditAction
from volunteers.models import VolunteerRequest, VolunteerRole
from volunteers.permissions import runs_scheme


@dataclass(frozen=True)
class RoleFigures:
    role: str
    matched: int
    median_days: float | None
    slowest_days: int | None
    waiting: int
    longest_wait_days: int | None


def time_to_match() -> list[RoleFigures]:
    """Days from a request being made to its first proposed volunteer; requests still open and waiting."""
    today = timezone.localdate()
    rows = (
        VolunteerRequest.objects.annotate(first_match=Min("matches__proposed_at"))
        .order_by()
        .values_list("role", "created_at", "first_match", "status", "consent_withdrawn_on")
    )
    matched: dict[str, list[int]] = {r.value: [] for r in VolunteerRole}
    waiting: dict[str, list[int]] = {r.value: [] for r in VolunteerRole}
    for role, created_at, first_match, status, withdrawn in rows:
        made = timezone.localdate(created_at)
        if first_match is not None:
            matched[role].append((timezone.localdate(first_match) - made).days)
        elif status == "open" and withdrawn is None:
            waiting[role].append((today - made).days)
    return [
        RoleFigures(
            role=VolunteerRole(role).label,
            matched=len(days),
            median_days=statistics.median(days) if days else None,
            slowest_days=max(days) if days else None,
            waiting=len(waiting[role]),
            longest_wait_days=max(waiting[role]) if waiting[role] else None,
        )
        for role, days in matched.items()
    ]


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not runs_scheme(request.user):
        raise Http404
    rows = time_to_match()
    if request.GET.get("format") == "csv":
        with transaction.atomic():
            audit.record(
                action=AuditAction.EXPORT,
                object_type="volunteers.figures",
                request=request,
                detail={"figure": "time_to_match"},
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="time-from-request-to-match.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["Role", "Matched", "Median days to match", "Slowest (days)", "Still waiting", "Longest wait so far (days)"]
        )
        for r in rows:
            writer.writerow(
                [
                    r.role,
                    r.matched,
                    r.median_days if r.median_days is not None else "",
                    r.slowest_days or "",
                    r.waiting,
                    r.longest_wait_days or "",
                ]
            )
        return response
    return render(request, "volunteers/figures/matching.html", {"rows": rows})
