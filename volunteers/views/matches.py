"""The match lifecycle for coordinators and practitioners, and the lifecycle's home-page panel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from volunteers import health
from volunteers.forms.lifecycle import CheckInForm, EndForm, IntroductionForm, ReviewForm, StartForm
from volunteers.models import CheckInSide, Contact, Match, MatchState
from volunteers.permissions import get_match_for_user, matches_visible_to, runs_scheme, volunteer_of
from volunteers.services import contacts, lifecycle

GET_POST = require_http_methods(["GET", "POST"])


def _staff_match(user: Any, pk: int) -> Match:
    """Coordinators and the practitioners who may see the request; volunteers use the portal's page."""
    if volunteer_of(user) is not None:
        from django.http import Http404

        raise Http404
    return get_match_for_user(user, pk)


def _coordinator_match(user: Any, pk: int) -> Match:
    match = _staff_match(user, pk)
    if not runs_scheme(user):
        raise PermissionDenied
    return match


def _back(match: Match) -> HttpResponse:
    return redirect("volunteers:match_detail", pk=match.pk)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def lifecycle_panel_context(user: Any) -> dict[str, Any]:
    """Open concerns for the coordinator and the practitioner; matches at risk and boundaries for the coordinator."""
    if not user.is_authenticated or volunteer_of(user) is not None:
        return {}
    visible = matches_visible_to(user)
    concerns = list(contacts.open_concerns(visible))
    context: dict[str, Any] = {"concerns": concerns}
    if runs_scheme(user):
        context["at_risk"] = health.at_risk_matches(visible)
        context["boundaries"] = health.boundaries(visible)
    return context if any(context.values()) else {}


@login_required
@require_GET
def match_list(request: HttpRequest) -> HttpResponse:
    visible = matches_visible_to(request.user)
    if volunteer_of(request.user) is not None:
        return redirect("volunteers:portal")
    matches = (
        visible.exclude(state__in=(MatchState.DECLINED, MatchState.EXPIRED, MatchState.WITHDRAWN))
        .select_related("request", "volunteer")
        .order_by("state", "-proposed_at")[:200]
    )
    return render(
        request,
        "volunteers/lifecycle/match_list.html",
        {"matches": matches, "coordinator": runs_scheme(request.user)},
    )


@login_required
@require_GET
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)
    volunteer = volunteer_of(request.user)
    with transaction.atomic():
        audit.record_view(request, match)
    if volunteer is not None:
        return render(
            request,
            "volunteers/portal/match.html",
            {
                "match": match,
                "area": _area(match),
                "contacts": match.contacts.all()[:50],
                "check_in_form": CheckInForm(initial={"side": CheckInSide.VOLUNTEER}),
            },
        )
    practitioner = lifecycle.practitioner_of(match)
    return render(
        request,
        "volunteers/lifecycle/match_detail.html",
        {
            "match": match,
            "coordinator": runs_scheme(request.user),
            "contacts": match.contacts.select_related("concern_acknowledged_by")[:100],
            "reviews": match.reviews.all(),
            "check_ins": match.check_ins.all()[:20],
            "introduction_form": IntroductionForm(),
            "start_form": StartForm(),
            "review_form": ReviewForm(),
            "check_in_form": CheckInForm(initial={"side": CheckInSide.FAMILY}),
            "practitioner": practitioner,
            "can_confirm": match.state == MatchState.ACCEPTED
            and (not runs_scheme(request.user) or practitioner == request.user),
        },
    )


def _area(match: Match) -> str:
    request = match.request
    if request.family_id:
        return request.family.locality.name  # type: ignore[union-attr]
    return request.care_leaver.locality.name if request.care_leaver and request.care_leaver.locality else ""


@login_required
@require_POST
def match_offer(request: HttpRequest, pk: int) -> HttpResponse:
    match = _coordinator_match(request.user, pk)
    try:
        lifecycle.offer_match(match=match, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"Offered to {match.volunteer.first_name}.")
    return _back(match)


@login_required
@require_POST
def match_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    match = _coordinator_match(request.user, pk)
    try:
        lifecycle.withdraw_match(match=match, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "Match withdrawn; the request is waiting for a volunteer again.")
    return _back(match)


@login_required
@require_POST
def match_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    match = _staff_match(request.user, pk)
    if runs_scheme(request.user) and lifecycle.practitioner_of(match) != request.user:
        raise PermissionDenied  # the practitioner confirms, not the coordinator
    try:
        lifecycle.confirm_match(match=match, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "Match confirmed. The coordinator will arrange the introduction.")
    return _back(match)


@login_required
@require_POST
def match_introduce(request: HttpRequest, pk: int) -> HttpResponse:
    match = _coordinator_match(request.user, pk)
    form = IntroductionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not arranged: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back(match)
    data = form.cleaned_data
    try:
        lifecycle.arrange_introduction(
            match=match,
            start=data["start"],
            end=data["end"],
            location=data["location"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "Introduction diarised and invitations sent.")
    return _back(match)


@login_required
@require_POST
def match_start(request: HttpRequest, pk: int) -> HttpResponse:
    match = _coordinator_match(request.user, pk)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.start_match(match=match, started_on=form.cleaned_data["started_on"], by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "The match is active.")
    else:
        messages.error(request, "Give the date of the first meeting.")
    return _back(match)


@login_required
@require_POST
def match_review(request: HttpRequest, pk: int) -> HttpResponse:
    match = _coordinator_match(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.record_review(match=match, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Review recorded.")
    else:
        messages.error(request, "Give the date of the review and whether it is going well.")
    return _back(match)


@login_required
@GET_POST
def match_end(request: HttpRequest, pk: int) -> HttpResponse:
    match = _staff_match(request.user, pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.end_match(
                match=match,
                reason=data["reason"],
                goals_met=data["goals_met"],
                planned=data["planned"],
                ended_on=data["ended_on"],
                final_contact_on=data["final_contact_on"],
                note=data["note"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, "Match ended. The volunteer no longer sees the family.")
            return _back(match)
    return render(request, "volunteers/lifecycle/match_end.html", {"match": match, "form": form})


@login_required
@require_POST
def match_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)
    form = CheckInForm(request.POST)
    side = CheckInSide.VOLUNTEER if volunteer_of(request.user) is not None else CheckInSide.FAMILY
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "side"}
        try:
            contacts.record_check_in(match=match, side=side, by=request.user, **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Check-in recorded. Thank you.")
    else:
        messages.error(request, "Answer all three questions.")
    return _back(match)


@login_required
@require_POST
def concern_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    if volunteer_of(request.user) is not None:
        from django.http import Http404

        raise Http404
    contact = get_object_or_404(
        Contact.objects.filter(match__in=matches_visible_to(request.user)).exclude(concern=""), pk=pk
    )
    contacts.acknowledge_concern(contact=contact, by=request.user)  # type: ignore[arg-type]
    messages.success(request, "Concern acknowledged.")
    if request.POST.get("from") == "home":
        return redirect("/")
    return redirect(reverse("volunteers:match_detail", kwargs={"pk": contact.match_id}))
