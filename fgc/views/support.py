"""Support package pages: the coordinator asks; the managers of the package's approval chain (the family's team's
managers and the FGC manager: fgc.permissions.packages_visible_to) approve or refuse and mark it paid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core.formerrors import add_errors, flash_error
from fgc.forms_support import DecisionForm, PackageForm
from fgc.models import ConferenceStatus, PackageStatus
from fgc.permissions import approves_packages, get_package_for_user, is_fgc_manager, packages_visible_to
from fgc.services import support as services
from fgc.views import user_of
from fgc.views.conference import get_conference_for_user, runs_conference

GET_POST = require_http_methods(["GET", "POST"])


@login_required
@GET_POST
def package_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a support package for one part of a held conference's plan."""
    user = user_of(request)
    conference = get_conference_for_user(user, pk)
    if not runs_conference(user, conference):
        raise PermissionDenied
    plan = getattr(conference, "plan", None)
    if conference.status != ConferenceStatus.HELD or plan is None:
        raise Http404
    form = PackageForm(
        request.POST or None,
        items=plan.items.all(),
        budgets=services.budgets_with_sums().order_by("-financial_year", "name"),
        initial={"plan_item": request.GET.get("item")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_package(by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Support package requested. A manager will decide it.")
            return redirect("fgc:conference_detail", pk=conference.pk)
    with transaction.atomic():
        audit.record_view(request, conference, page="fgc-package-request")
        return render(request, "fgc/support/request.html", {"form": form, "conference": conference})


@login_required
@require_GET
def package_list(request: HttpRequest) -> HttpResponse:
    """A manager's packages: those awaiting their decision and approved ones to pay, of their chain only; the pots."""
    user = user_of(request)
    if not approves_packages(user):
        raise Http404
    awaiting = services.awaiting(user)
    to_pay = list(
        packages_visible_to(user)
        .filter(status=PackageStatus.APPROVED)
        .select_related("budget", "plan_item__plan__conference__referral")
        .order_by("requested_at")[:200]
    )
    with transaction.atomic():
        # Which packages (their referral references) were listed, as for any read of case data.
        audit.record_view(request, user, page="fgc-packages", packages=sorted(p.pk for p in awaiting + to_pay))
        return render(
            request,
            "fgc/support/list.html",
            {
                "awaiting": awaiting,
                "to_pay": to_pay,
                "budgets": list(services.budgets_with_sums()),
                "manages_budgets": is_fgc_manager(user),
            },
        )


@login_required
@GET_POST
def package_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """What the decision needs (amount, purpose, what is needed, the part of the plan), for the package's chain only."""
    user = user_of(request)
    package = get_package_for_user(user, pk)
    problem = services.decision_problem(package, user)
    form = DecisionForm(request.POST or None) if not problem else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.decide(
                package=package,
                by=user,
                approved=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Decision recorded. The coordinator has been told.")
            return redirect("fgc:package_list")
    with transaction.atomic():
        audit.record_view(request, package, page="fgc-package")
        return render(
            request,
            "fgc/support/decide.html",
            {
                "form": form,
                "package": package,
                "problem": problem,
                "needed": services.approvals_needed(package.total),
                "referral": package.plan_item.plan.conference.referral,
            },
        )


@login_required
@require_POST
def package_paid(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    package = get_package_for_user(user, pk)
    try:
        services.mark_paid(package=package, by=user)
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"Package for {package.plan_item.plan.conference.referral.reference} marked paid.")
    return redirect("fgc:package_list")
