"""Figures for managers: each chart with its table and a CSV of the same numbers."""

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
from supervision import forms
from supervision.figures import DEFAULT_PERIOD, PERIODS, all_figures, managed_groups, may_see_figures


def _figures(request: HttpRequest) -> tuple[forms.FiguresForm, str, list[Figure]]:
    if not may_see_figures(request.user):
        raise Http404
    form = forms.FiguresForm(request.GET if "months" in request.GET else {"months": DEFAULT_PERIOD})
    months = form.cleaned_data["months"] if form.is_valid() else DEFAULT_PERIOD
    groups = managed_groups(request.user)
    return form, months, all_figures(groups, months=PERIODS[months]) if groups else []


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    form, months, figures_ = _figures(request)
    return render(request, "supervision/figures.html", {"form": form, "months": months, "figures": figures_})


@login_required
@require_GET
def figure_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _, months, figures_ = _figures(request)
    figure = next((f for f in figures_ if f.slug == slug), None)
    if figure is None:
        raise Http404
    with transaction.atomic():
        audit.record(
            action=AuditAction.EXPORT,
            object_type="supervision.figures",
            object_id=slug,
            request=request,
            detail={"export": slug, "months": months},
        )
    return csv_response(f"gcs-{slug}-{timezone.localdate():%Y-%m-%d}.csv", figure.header, figure.rows)
