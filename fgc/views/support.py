"""Support package pages: the coordinator asks, managers approve or refuse (a list awaiting them) and mark paid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from core import audit
from core.formerrors import add_errors, flash_error
from fgc.forms_support import DecisionForm, PackageForm
from fgc.models import ConferenceStatus, PackageStatus, SupportPackage
from fgc.permissions import is_fgc_manager
from fgc.services import support as services
from fgc.views import user_of
from fgc.views.conference import get_conference_for_user, runs_conference

GET_POST = require_http_methods(["GET", "POST"])


def _approves(user: User) -> bool:
    return user.is_active and user.has_role(Role.MANAGER)


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
    """Managers: the packages awaiting their decision, approved ones to pay, and the budget pots."""
    user = user_of(request)
    if not (_approves(user) or is_fgc_manager(user)):
        raise Http404
    to_pay = (
        SupportPackage.objects.filter(status=PackageStatus.APPROVED)
        .select_related("budget", "plan_item__plan__conference__referral")
        .order_by("requested_at")
    )
    with transaction.atomic():
        audit.record_view(request, user, page="fgc-packages")
        return render(
            request,
            "fgc/support/list.html",
            {
                "awaiting": services.awaiting(user),
                "to_pay": list(to_pay[:200]),
                "budgets": list(services.budgets_with_sums()),
                "can_pay": _approves(user),
            },
        )


def _package(pk: int) -> SupportPackage:
    return get_object_or_404(
        SupportPackage.objects.select_related(
            "budget", "requested_by", "plan_item__plan__conference__referral"
        ).prefetch_related("approvals__approver"),
        pk=pk,
    )


@login_required
@GET_POST
def package_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    if not _approves(user):
        raise Http404
    package = _package(pk)
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
    if not _approves(user):
        raise Http404
    package = _package(pk)
    try:
        services.mark_paid(package=package, by=user)
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"Package for {package.plan_item.plan.conference.referral.reference} marked paid.")
    return redirect("fgc:package_list")
