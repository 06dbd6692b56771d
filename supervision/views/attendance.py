"""Attendance: answering an invitation, recording who came, nudging those who have not answered."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import audit
from supervision import forms, selectors, services
from supervision.permissions import get_session_for_user, rights_for
from supervision.views.common import GET_POST, add_errors, flash_error


@login_required
@require_POST
def session_respond(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = forms.RespondForm(request.POST)
    if form.is_valid():
        try:
            services.respond_in_app(session=session, user=request.user, response=form.cleaned_data["response"])  # type: ignore[arg-type]
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "Thank you, your answer has been recorded.")
    else:
        messages.error(request, "Choose whether you can come.")
    return redirect("supervision:session_detail", pk=session.pk)


@login_required
@GET_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    rows = selectors.attendance_rows(session=session)
    guests = selectors.guest_rows(session=session)
    people = [(row.user, row.discipline_label, row.attendance) for row in rows]
    form = forms.AttendanceForm(request.POST or None, people=people, guests=[g.guest for g in guests])
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                session=session,
                statuses=form.statuses(),
                guest_statuses=form.guest_statuses(),
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("supervision:attendance", pk=session.pk)
    with transaction.atomic():
        agenda = selectors.agenda_rows(session=session, user=request.user)
        audit.record_view(request, session, page="attendance")
    is_future = session.end > timezone.now()
    return render(
        request,
        "supervision/attendance.html",
        {
            "session": session,
            "rights": rights_for(request.user, session.group),
            "rows": rows,
            "guests": guests,
            "form": form,
            "guest_form": forms.GuestForm() if is_future and not session.is_cancelled else None,
            "warnings": selectors.attendance_warnings(session=session, rows=rows, agenda=agenda),
            "can_record": timezone.localtime(session.start).date() <= timezone.localdate(),
            "is_future": session.start > timezone.now(),
        },
    )


@login_required
@GET_POST
def guest_invite(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    form = forms.GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guest = services.invite_guest(session=session, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{guest.name} invited to this session.")
            return redirect(reverse("supervision:attendance", kwargs={"pk": session.pk}) + "#guests")
    return render(request, "supervision/guest_form.html", {"session": session, "form": form})


@login_required
@require_POST
def guest_remove(request: HttpRequest, pk: int, guest_pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    guest = session.guests.filter(pk=guest_pk).first()
    if guest is None:
        raise Http404
    try:
        services.remove_guest(guest=guest, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"{guest.name}'s invitation withdrawn.")
    return redirect(reverse("supervision:attendance", kwargs={"pk": session.pk}) + "#guests")


@login_required
@require_POST
def nudge(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    try:
        count = services.nudge_unconfirmed(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        if count:
            messages.success(
                request, f"Reminder sent to {count} {'person' if count == 1 else 'people'} who have not confirmed."
            )
        else:
            messages.info(request, "Nobody was nudged: everyone has answered, or was reminded earlier today.")
    return redirect("supervision:attendance", pk=session.pk)
