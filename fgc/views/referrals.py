"""Referral pages: refer a family, the lists, a referral's page, triage, allocation and first steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from core import audit
from core.formerrors import add_errors, flash_error
from families.models import Family
from families.permissions import families_visible_to, get_family_for_user
from fgc import forms, selectors
from fgc.models import Referral, ReferralStatus
from fgc.permissions import (
    can_change_consent,
    can_triage,
    get_referral_for_user,
    is_allocated_coordinator,
    is_fgc_manager,
    makes_referrals,
    referrals_visible_to,
    sees_network,
)
from fgc.services import booking as booking_services
from fgc.services import referrals as services
from fgc.views import user_of

GET_POST = require_http_methods(["GET", "POST"])


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    visible = referrals_visible_to(user)
    manager = is_fgc_manager(user)
    mine = visible.filter(coordinator=user).exclude(status__in=[ReferralStatus.CLOSED, ReferralStatus.DECLINED])
    referred = visible.filter(referred_by=user).order_by("-received_at")
    context = {
        "manager": manager,
        "waiting": list(selectors.waiting_list()) if manager else [],
        "at_risk": selectors.at_risk(visible) if manager else [],
        "mine": list(mine.select_related("family")),
        "referred": list(referred.select_related("family", "coordinator")[:50]),
        "can_refer": makes_referrals(user),
        "open_all": list(
            visible.exclude(status__in=[ReferralStatus.CLOSED, ReferralStatus.DECLINED]).select_related(
                "family", "coordinator"
            )[:200]
        )
        if manager
        else [],
    }
    if not (
        manager
        or context["mine"]
        or context["referred"]
        or makes_referrals(user)
        or user.has_role(Role.FGC_COORDINATOR)
    ):
        raise Http404
    return render(request, "fgc/referrals/list.html", context)


@login_required
@require_GET
def referral_choose_family(request: HttpRequest) -> HttpResponse:
    """The practitioner finds the family to refer among those they may see."""
    if not makes_referrals(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    families = Family.objects.open()
    families = families.search(query) if query else families.filter(allocated_practitioner=user_of(request))
    found = families_visible_to(request.user, families)
    return render(
        request,
        "fgc/referrals/choose_family.html",
        {"query": query, "families": list(found.select_related("team").order_by("case_reference")[:25])},
    )


@login_required
@GET_POST
def referral_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    if not makes_referrals(request.user):
        raise Http404
    family = get_family_for_user(request.user, family_pk)
    form = forms.ReferralForm(
        request.POST or None,
        children=family.children.order_by("date_of_birth"),
        initial={"consent_given_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.refer(family=family, by=user_of(request), **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} sent to the FGC service.")
            return redirect("fgc:referral_detail", pk=referral.pk)
    with transaction.atomic():
        audit.record_view(request, family, page="fgc-refer")
        return render(request, "fgc/referrals/create.html", {"form": form, "family": family})


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        referral = get_referral_for_user(request.user, pk)
        audit.record_view(request, referral, page="referral")
        return render(
            request,
            "fgc/referrals/detail.html",
            {
                "referral": referral,
                "children": list(referral.children.order_by("date_of_birth")),
                "clock": selectors.clock_for(referral),
                "position": services.waiting_position(referral),
                "baseline_due": services.baseline_due_by(referral),
                "can": _actions(request, referral),
                "sees_network": sees_network(request.user, referral),
                "statuses": ReferralStatus,
                "conference": booking_services.current_conference(referral),
                "review": booking_services.current_review(referral),
            },
        )


def _actions(request: HttpRequest, referral: Referral) -> dict[str, bool]:
    """Which buttons to offer: only those whose service would accept the step now."""
    user, status = request.user, referral.status
    triage = can_triage(user)
    coordinator = is_allocated_coordinator(user, referral)
    finished = status in (ReferralStatus.CLOSED, ReferralStatus.DECLINED)
    return {
        "accept": triage and status == ReferralStatus.RECEIVED,
        "allocate": triage and status in (*services.WAITING_STATUSES, ReferralStatus.ALLOCATED),
        "decline": triage and status in services.WAITING_STATUSES,
        "contacted": coordinator and referral.referrer_contacted_at is None and not finished,
        "baseline": coordinator
        and status in (ReferralStatus.ALLOCATED, ReferralStatus.PREPARING)
        and not selectors.is_urgent(referral),
        "consent": can_change_consent(user, referral) and not finished,
        "close": (triage or coordinator) and not finished,
        "book": (triage or coordinator) and status in (*booking_services.BOOKABLE, ReferralStatus.BOOKED),
        # A review is booked (or moved) while the held conference's plan waits for it.
        "book_review": (triage or coordinator)
        and status == ReferralStatus.HELD
        and booking_services.plan_to_review(referral) is not None,
    }


def _triaged(request: HttpRequest, pk: int) -> Referral:
    referral = get_referral_for_user(request.user, pk)
    if not can_triage(request.user):
        raise PermissionDenied
    return referral


@login_required
@require_POST
def referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _triaged(request, pk)
    try:
        referral = services.accept(referral=referral, by=user_of(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"{referral.reference} accepted and on the waiting list.")
    return redirect("fgc:referral_detail", pk=referral.pk)


@login_required
@GET_POST
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _triaged(request, pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline(referral=referral, by=user_of(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{referral.reference} declined. The referrer has been told.")
            return redirect("fgc:referral_detail", pk=referral.pk)
    return render(request, "fgc/referrals/reason.html", {"form": form, "referral": referral, "doing": "decline"})


@login_required
@GET_POST
def referral_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _triaged(request, pk)
    loads = [load for load in selectors.coordinator_loads() if not services.coordinator_problem(referral, load.user)]
    form = forms.AllocateForm(
        request.POST or None,
        coordinators=User.objects.filter(pk__in=[load.user.pk for load in loads]).order_by("full_name"),
        initial={"coordinator": referral.coordinator_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate(referral=referral, coordinator=form.cleaned_data["coordinator"], by=user_of(request))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"{referral.reference} allocated. The coordinator and the referrer have been told."
            )
            return redirect("fgc:referral_detail", pk=referral.pk)
    return render(request, "fgc/referrals/allocate.html", {"form": form, "referral": referral, "loads": loads})


def _coordinated(request: HttpRequest, pk: int) -> Referral:
    referral = get_referral_for_user(request.user, pk)
    if not (is_allocated_coordinator(request.user, referral) or is_fgc_manager(request.user)):
        raise PermissionDenied
    return referral


@login_required
@require_POST
def referral_contacted(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _coordinated(request, pk)
    try:
        services.record_referrer_contact(referral=referral, by=user_of(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "Contact with the referrer recorded.")
    return redirect("fgc:referral_detail", pk=referral.pk)


@login_required
@GET_POST
def referral_baseline(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _coordinated(request, pk)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            start, end = form.start_end()
            services.arrange_baseline_meeting(
                referral=referral,
                by=user_of(request),
                start=start,
                end=end,
                location=form.cleaned_data["location"],
                online_url=form.cleaned_data["online_url"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "First meeting diarised. The referrer has an invitation.")
            return redirect("fgc:referral_detail", pk=referral.pk)
    return render(
        request,
        "fgc/referrals/baseline.html",
        {"form": form, "referral": referral, "due": services.baseline_due_by(referral)},
    )


@login_required
@GET_POST
def referral_consent(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    if not can_change_consent(request.user, referral):
        raise PermissionDenied
    restoring = referral.status == ReferralStatus.PAUSED
    form = forms.ConsentForm(request.POST or None) if restoring else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is not None:
                services.restore_consent(
                    referral=referral, by=user_of(request), given_by=form.cleaned_data["consent_given_by"]
                )
            else:
                services.withdraw_consent(referral=referral, by=user_of(request))
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(
                request,
                "Consent given again: the work resumes." if restoring else "Consent withdrawn: the work is paused.",
            )
        return redirect("fgc:referral_detail", pk=referral.pk)
    return render(request, "fgc/referrals/consent.html", {"form": form, "referral": referral, "restoring": restoring})


@login_required
@GET_POST
def referral_close(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    if not (can_triage(request.user) or is_allocated_coordinator(request.user, referral)):
        raise PermissionDenied
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close(referral=referral, by=user_of(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{referral.reference} closed.")
            return redirect("fgc:referral_detail", pk=referral.pk)
    return render(request, "fgc/referrals/reason.html", {"form": form, "referral": referral, "doing": "close"})
