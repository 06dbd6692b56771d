"""Booking pages: book, move or cancel the conference or its review; invitation letters; the FGC manager's venues.

The first conference and the review share each page: the URL says which (`kind`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core.formerrors import add_errors
from core.models import AuditAction
from core.pdf import render_pdf
from fgc import booking_selectors
from fgc.forms_booking import BookingForm, CancelForm, VenueForm
from fgc.models import (
    Conference,
    ConferenceKind,
    InvitationStatus,
    NetworkMember,
    PreparationSession,
    Referral,
    ReferralStatus,
    Venue,
)
from fgc.permissions import get_referral_for_user, is_allocated_coordinator, is_fgc_manager, sees_network
from fgc.services import booking as services
from fgc.services import review as review_services
from fgc.views import user_of

GET_POST = require_http_methods(["GET", "POST"])
# Network members who get a printed letter: no email, and not declined or kept away for safety.
NO_LETTER = (InvitationStatus.DECLINED, InvitationStatus.NOT_INVITED)


def _booker(request: HttpRequest, pk: int) -> Referral:
    """The allocated coordinator or the FGC manager books; others who may see the referral get 403."""
    referral = get_referral_for_user(request.user, pk)
    if not (is_allocated_coordinator(request.user, referral) or is_fgc_manager(request.user)):
        raise PermissionDenied
    return referral


def letter_recipients(referral: Referral) -> list[NetworkMember]:
    return list(referral.network.filter(email="").exclude(invitation_status__in=NO_LETTER).order_by("name"))


def _initial(conference: Conference | None) -> dict[str, object]:
    if conference is None:
        return {}
    start, end = timezone.localtime(conference.start), timezone.localtime(conference.end)
    sharing = timezone.localtime(conference.information_sharing_ends_at or conference.end)
    return {
        "day": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "sharing_end_time": sharing.time(),
        "venue": conference.venue_id,
        "professionals": "\n".join(p.email for p in conference.professionals.all()),
    }


def _proposed_review(referral: Referral) -> dict[str, object]:
    """No review booked (it was cancelled, or could not be booked): the form starts from the proposed slot."""
    plan = services.plan_to_review(referral)
    if plan is None:
        return {}
    slot = review_services.proposed_slot(plan)
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    always = {referral.coordinator_id, referral.referred_by_id}
    took_part = plan.conference.attendance.filter(professional__isnull=False).exclude(professional_id__in=always)
    return {
        "day": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "sharing_end_time": timezone.localtime(slot.information_sharing_ends_at).time(),
        "venue": slot.venue.pk if slot.venue.active else None,
        "professionals": "\n".join(
            row.professional.email for row in took_part.select_related("professional") if row.professional
        ),
    }


def _around(request: HttpRequest, form: BookingForm, fallback: dt.date) -> dt.date:
    """The day whose neighbourhood the availability shows: the one typed, asked for, booked or proposed, or today."""
    if form.is_bound and form.is_valid():
        day: dt.date = form.cleaned_data["day"]
        return day
    try:
        return dt.date.fromisoformat(request.GET.get("around", ""))
    except ValueError:
        return fallback


@dataclass(frozen=True)
class Kind:
    """What the booking pages say and link to for one kind of conference: the first, or the review."""

    value: str
    name: str  # "conference" or "review conference"
    cancel_url: str
    letter_url: str

    @property
    def review(self) -> bool:
        return self.value == ConferenceKind.REVIEW


KINDS = {
    ConferenceKind.INITIAL: Kind(ConferenceKind.INITIAL, "conference", "fgc:booking_cancel", "fgc:invitation_letter"),
    ConferenceKind.REVIEW: Kind(
        ConferenceKind.REVIEW, "review conference", "fgc:review_booking_cancel", "fgc:review_invitation_letter"
    ),
}


def _booked(request: HttpRequest, referral: Referral, kind: Kind, start: dt.datetime) -> None:
    """What the coordinator is told once the booking is saved."""
    messages.success(request, f"{kind.name.capitalize()} booked for {timezone.localtime(start):%-d %B %Y, %H:%M}.")
    if kind.review:
        return
    if services.is_after_key_date(referral, start):
        messages.warning(request, "The conference is after the date it should precede.")
    to_replan = PreparationSession.objects.planned().filter(voice__referral=referral, needs_replanning=True).count()
    if to_replan:
        messages.warning(
            request,
            f"{to_replan} of the children's preparation sessions no longer fall a working day before "
            "the conference: re-plan them on the preparation page.",
        )


@login_required
@GET_POST
def booking(request: HttpRequest, pk: int, kind: str = ConferenceKind.INITIAL) -> HttpResponse:
    """Book or move the first conference, or (kind REVIEW) the review conference."""
    referral, what = _booker(request, pk), KINDS[ConferenceKind(kind)]
    conference = services.current_conference(referral, what.value)
    if conference is None and (problem := services.not_bookable(referral, what.value)):
        messages.error(request, problem)
        return redirect("fgc:referral_detail", pk=referral.pk)
    initial = _initial(conference) or (_proposed_review(referral) if what.review else {})
    form = BookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            start, end, sharing_end = form.times()
            fields = {
                "by": user_of(request),
                "venue": form.cleaned_data["venue"],
                "start": start,
                "end": end,
                "information_sharing_ends_at": sharing_end,
                "professionals": form.cleaned_data["professionals"],
            }
            if conference is None:
                conference = services.book(referral=referral, kind=what.value, **fields)
            else:
                conference = services.rebook(conference=conference, **fields)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _booked(request, referral, what, start)
            return redirect("fgc:referral_detail", pk=referral.pk)
    day = initial.get("day")
    around = _around(request, form, day if isinstance(day, dt.date) else timezone.localdate())
    chosen = form.cleaned_data["day"] if form.is_bound and form.is_valid() else None
    assert referral.coordinator is not None
    with transaction.atomic():
        audit.record_view(request, referral, page="fgc-review-booking" if what.review else "fgc-booking")
        return render(
            request,
            "fgc/booking/booking.html",
            {
                "form": form,
                "referral": referral,
                "conference": conference,
                "kind": what,
                "availability": booking_selectors.availability(coordinator=referral.coordinator, around=around),
                "around": around,
                "earlier": around - dt.timedelta(days=7),
                "later": around + dt.timedelta(days=7),
                "after_key_date": not what.review
                and (
                    bool(referral.key_date and chosen and chosen > referral.key_date)
                    or bool(conference and services.is_after_key_date(referral, conference.start))
                ),
                "letters": letter_recipients(referral) if conference else [],
            },
        )


@login_required
@GET_POST
def booking_cancel(request: HttpRequest, pk: int, kind: str = ConferenceKind.INITIAL) -> HttpResponse:
    referral, what = _booker(request, pk), KINDS[ConferenceKind(kind)]
    conference = services.current_conference(referral, what.value)
    if conference is None:
        raise Http404(f"No {what.name} is booked.")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(conference=conference, by=user_of(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{what.name.capitalize()} cancelled. The invitations have been withdrawn.")
            return redirect("fgc:referral_detail", pk=referral.pk)
    with transaction.atomic():
        audit.record_view(request, referral, page="fgc-review-booking-cancel" if what.review else "fgc-booking-cancel")
        return render(
            request,
            "fgc/booking/cancel.html",
            {"form": form, "referral": referral, "conference": conference, "kind": what},
        )


@login_required
@require_GET
def invitation_letter(
    request: HttpRequest, pk: int, member_pk: int, kind: str = ConferenceKind.INITIAL
) -> HttpResponse:
    """A printable letter for one network member: only for those who may see the network, audited."""
    what = KINDS[ConferenceKind(kind)]
    with transaction.atomic():
        referral = get_referral_for_user(request.user, pk)
        if not sees_network(request.user, referral):
            raise Http404
        member = get_object_or_404(NetworkMember, referral=referral, pk=member_pk)
        if member.invitation_status in NO_LETTER:
            raise Http404("This person is not to be invited.")
        conference = services.current_conference(referral, what.value)
        # Not while the referral is paused or closed: the first conference's referral is booked, the review's held.
        if conference is None or referral.status != (ReferralStatus.HELD if what.review else ReferralStatus.BOOKED):
            raise Http404(f"No {what.name} is booked.")
        audit.record(
            action=AuditAction.DOWNLOAD,
            obj=member,
            request=request,
            detail={"page": "fgc-invitation-letter", "referral": referral.pk, "conference": conference.pk},
        )
    title = f"Invitation to a {'review ' if what.review else ''}Family Group Conference"
    # A one-page letter renders in well under a second: made on demand, never stored.
    pdf = render_pdf(
        template="fgc/booking/letter_pdf.html",
        context={
            "member": member,
            "referral": referral,
            "conference": conference,
            "coordinator": referral.coordinator,
            "today": timezone.localdate(),
            "review": what.review,
            "title": title,
        },
        title=f"{title} ({referral.reference})",
        running_header=f"Family Group Conference {referral.reference}",
    )
    name = "review-invitation" if what.review else "invitation"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{referral.reference}-{member.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _manager(request: HttpRequest) -> None:
    if not is_fgc_manager(request.user):
        raise Http404


@login_required
@GET_POST
def venue_list(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.add_venue(by=user_of(request), **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{venue.name} added.")
            return redirect("fgc:venue_list")
    return render(request, "fgc/booking/venues.html", {"form": form, "venues": list(Venue.objects.all())})


@login_required
@require_POST
def venue_active(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    venue = get_object_or_404(Venue, pk=pk)
    active = request.POST.get("active") == "1"
    services.set_venue_active(venue=venue, active=active, by=user_of(request))
    messages.success(request, f"{venue.name} {'is in use again' if active else 'is no longer offered for bookings'}.")
    return redirect("fgc:venue_list")
