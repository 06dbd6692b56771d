"""The volunteer's portal: their profile, checks, offers, matches, contact log, expenses and events.

Every page starts from `volunteer_of(request.user)`: a volunteer reaches only their
own record, and of a family only what `matches_visible_to` lets through (first
names in the needs summary, the area), and only while the match lasts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from volunteers.forms.lifecycle import AbsenceForm, ContactForm, DeclineForm, ProfileForm
from volunteers.models import Event, MatchState, Volunteer
from volunteers.permissions import get_match_for_user, matches_visible_to, volunteer_of
from volunteers.services import contacts, expenses, lifecycle, portal, recruitment
from volunteers.services.contacts import LOGGABLE_STATES

GET_POST = require_http_methods(["GET", "POST"])


def _me(request: HttpRequest) -> Volunteer:
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


def _own_match(request: HttpRequest, pk: int) -> Any:
    _me(request)
    return get_match_for_user(request.user, pk)


def _checks_of(me: Volunteer) -> list[tuple[Any, list[recruitment.Task]]]:
    """Each role with its requirements and the day each stops counting (the records read once)."""
    records = recruitment.Records.of(me)
    return [(application, recruitment.assess(application, records=records)) for application in me.applications.all()]


@login_required
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    matches = list(
        matches_visible_to(request.user).select_related("request__family__locality", "request__care_leaver__locality")
    )
    events = Event.objects.filter(start__gte=timezone.now()).order_by("start")[:10]
    booked = set(me.event_bookings.filter(cancelled=False).values_list("event_id", flat=True))
    with transaction.atomic():
        audit.record_view(request, me, page="portal")
    return render(
        request,
        "volunteers/portal/home.html",
        {
            "me": me,
            "applications": me.applications.all(),
            "checks": _checks_of(me),
            "absences": me.absences.filter(ends_on__gte=timezone.localdate()),
            "offers": [m for m in matches if m.state == MatchState.OFFERED],
            "matches": [m for m in matches if m.state != MatchState.OFFERED],
            "events": events,
            "booked": booked,
            "expenses": me.expenses.all()[:10],
            "unclaimed": expenses.unclaimed_mileage_summary(me),
        },
    )


@login_required
@GET_POST
def profile_edit(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = ProfileForm(request.POST or None, instance=Volunteer.objects.get(pk=me.pk))
    absence_form = AbsenceForm()
    if request.method == "POST" and form.is_valid():
        try:
            portal.update_own_profile(volunteer=me, changes=form.changes(), by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your details are saved.")
            return redirect("volunteers:portal")
    return render(request, "volunteers/portal/profile.html", {"form": form, "absence_form": absence_form, "me": me})


@login_required
@require_POST
def absence_add(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            portal.add_absence(volunteer=me, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Dates away added.")
    else:
        messages.error(request, "Give the first and last day away.")
    return redirect("volunteers:portal")


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    match = _own_match(request, pk)
    try:
        lifecycle.accept_offer(match=match, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you. The practitioner will confirm, then you will be invited to meet.")
    return redirect("volunteers:portal")


@login_required
@GET_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    match = _own_match(request, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.decline_offer(match=match, reason=form.cleaned_data["reason"], by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Offer declined. Your coordinator has been told.")
            return redirect("volunteers:portal")
    return render(request, "volunteers/portal/decline.html", {"match": match, "form": form})


@login_required
@GET_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    match = _own_match(request, pk)
    if match.state not in LOGGABLE_STATES:
        raise Http404
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = contacts.log_contact(match=match, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            note = " Your practitioner and coordinator have been told of your concern." if contact.concern else ""
            messages.success(request, "Contact logged." + note)
            return redirect("volunteers:match_detail", pk=match.pk)
    return render(request, "volunteers/portal/contact_form.html", {"match": match, "form": form})
