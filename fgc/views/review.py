"""The review FGC's record of progress on the plan, and each child's outcomes at 6 and 12 months."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core import audit
from core.formerrors import add_errors
from fgc.forms_support import OutcomeForm, ReviewForm
from fgc.models import Conference, ConferenceStatus, FamilyPlan
from fgc.services import review as services
from fgc.views import user_of
from fgc.views.conference import get_conference_for_user, runs_conference

GET_POST = require_http_methods(["GET", "POST"])


def _held_plan(request: HttpRequest, pk: int) -> tuple[Conference, FamilyPlan]:
    user = user_of(request)
    conference = get_conference_for_user(user, pk)
    if not runs_conference(user, conference):
        raise PermissionDenied
    plan = FamilyPlan.objects.filter(conference=conference).first()
    if conference.status != ConferenceStatus.HELD or plan is None:
        raise Http404
    return conference, plan


@login_required
@GET_POST
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    conference, plan = _held_plan(request, pk)
    form = ReviewForm(request.POST or None, items=list(plan.items.all()))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(plan=plan, by=user_of(request), progress=form.progress())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Progress on the plan recorded.")
            return redirect("fgc:conference_detail", pk=conference.pk)
    with transaction.atomic():
        audit.record_view(request, plan, page="fgc-review")
        return render(request, "fgc/review/review.html", {"form": form, "conference": conference, "plan": plan})


@login_required
@GET_POST
def outcome_record(request: HttpRequest, pk: int) -> HttpResponse:
    conference, _plan = _held_plan(request, pk)
    referral = conference.referral
    form = OutcomeForm(
        request.POST or None,
        children=referral.children.order_by("date_of_birth"),
        initial={"months_after": request.GET.get("months"), "child": request.GET.get("child")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(referral=referral, by=user_of(request), **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("fgc:conference_detail", pk=conference.pk)
    with transaction.atomic():
        audit.record_view(request, referral, page="fgc-outcome")
        return render(request, "fgc/review/outcome.html", {"form": form, "conference": conference})
