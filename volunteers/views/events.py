"""Rights and Reps events: coordinators create them; approved volunteers sign up in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from volunteers.forms.lifecycle import EventForm
from volunteers.models import Event, EventBooking
from volunteers.permissions import runs_scheme, volunteer_of
from volunteers.services import events

GET_POST = require_http_methods(["GET", "POST"])


def _may_see_events(user: object) -> bool:
    return runs_scheme(user) or volunteer_of(user) is not None


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not _may_see_events(request.user):
        raise Http404
    listed = Event.objects.annotate(booked=Count("bookings", filter=Q(bookings__cancelled=False))).order_by("-start")
    return render(
        request,
        "volunteers/events/event_list.html",
        {"events": listed[:100], "coordinator": runs_scheme(request.user)},
    )


@login_required
@GET_POST
def event_create(request: HttpRequest) -> HttpResponse:
    if not runs_scheme(request.user):
        raise Http404
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = events.create_event(
                kind=data["kind"],
                title=data["title"],
                start=data["start"],
                end=data["end"],
                location=data["location"],
                places=data["places"],
                required_roles=data["required_roles"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Event created and added to your diary.")
            return redirect("volunteers:event_detail", pk=event.pk)
    return render(request, "volunteers/events/event_form.html", {"form": form})


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_see_events(request.user):
        raise Http404
    event = get_object_or_404(Event, pk=pk)
    me = volunteer_of(request.user)
    bookings = event.bookings.filter(cancelled=False).select_related("volunteer")
    mine = bookings.filter(volunteer=me).first() if me else None
    return render(
        request,
        "volunteers/events/event_detail.html",
        {
            "event": event,
            "bookings": bookings if runs_scheme(request.user) else None,
            "booked": bookings.count(),
            "mine": mine,
            "eligible": me is not None and events.eligible_for(me, event),
            "me": me,
        },
    )


@login_required
@require_POST
def event_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    me = volunteer_of(request.user)
    if me is None:
        raise Http404
    event = get_object_or_404(Event, pk=pk)
    try:
        events.sign_up(event=event, volunteer=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You have a place. An invitation is on its way.")
    return redirect("volunteers:event_detail", pk=event.pk)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    me = volunteer_of(request.user)
    if me is None:
        raise Http404
    booking = get_object_or_404(EventBooking, event_id=pk, volunteer=me, cancelled=False)
    events.cancel_booking(booking=booking)
    messages.success(request, "Your place is cancelled.")
    return redirect("volunteers:event_detail", pk=pk)
