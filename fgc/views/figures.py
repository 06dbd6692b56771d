"""The FGC figures: each chart with its table, and a CSV of the same numbers (audited).

The FGC manager sees the whole service; an FGC coordinator, their own allocations
(fgc.permissions.figures_scope says why); everyone else gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit
from core.charts import Figure
from core.exports import csv_response
from core.models import AuditAction
from fgc.figures import DEFAULT_PERIOD, PERIODS, all_figures
from fgc.forms_figures import FiguresForm
from fgc.permissions import FiguresScope, figures_scope


def _figures(request: HttpRequest) -> tuple[FiguresForm, str, FiguresScope, list[Figure]]:
    scope = figures_scope(request.user)
    form = FiguresForm(request.GET if "months" in request.GET else {"months": DEFAULT_PERIOD})
    months = form.cleaned_data["months"] if form.is_valid() else DEFAULT_PERIOD
    return form, months, scope, all_figures(scope, months=PERIODS[months])


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    form, months, scope, figures_ = _figures(request)
    context = {"form": form, "months": months, "whole_service": scope.whole_service, "figures": figures_}
    return render(request, "fgc/figures.html", context)


@login_required
@require_GET
def figure_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _, months, scope, figures_ = _figures(request)
    figure = next((f for f in figures_ if f.slug == slug), None)
    if figure is None:
        raise Http404
    with transaction.atomic():
        audit.record(
            action=AuditAction.EXPORT,
            object_type="fgc.figures",
            object_id=slug,
            request=request,
            detail={"export": slug, "months": months, "scope": "service" if scope.whole_service else "own"},
        )
    return csv_response(f"fgc-{slug}-{timezone.localdate():%Y-%m-%d}.csv", figure.header, figure.rows)
