"""A session's page, and moving or cancelling the session."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit
from supervision import forms, selectors, services
from supervision.permissions import get_session_for_user, rights_for
from supervision.services.scheduling import answered as answered_by
from supervision.views.common import GET_POST, add_errors


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    rights = rights_for(request.user, session.group)
    with transaction.atomic():
        agenda = selectors.agenda_rows(session=session, user=request.user)
        audit.record_view(request, session, page="agenda")
    attendance = selectors.attendance_rows(session=session)
    mine = next((row for row in attendance if row.user.pk == request.user.pk), None)
    context = {
        "session": session,
        "group": session.group,
        "rights": rights,
        "agenda": agenda,
        "attendance": attendance,
        "confirmed": sum(1 for row in attendance if row.response == "accepted"),
        "warnings": selectors.attendance_warnings(session=session, rows=attendance, agenda=agenda)
        if rights.manage
        else [],
        "my_response": mine.response if mine else None,
        "respond_form": forms.RespondForm(initial={"response": mine.response if mine else None}),
        "papers_overdue": session.papers_overdue,
        "versions": list(session.versions.all()),
        "is_past": session.end < timezone.now(),
        "user_id": request.user.pk,
    }
    return render(request, "supervision/session_detail.html", context)


@login_required
@GET_POST
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    form = forms.SessionForm(request.POST or None, initial=forms.SessionForm.initial_for(session))
    answered = answered_by(session)
    if request.method == "POST" and form.is_valid():
        start, end = form.start_end()
        data = form.cleaned_data
        retimed = (start, end) != (session.start, session.end)
        try:
            services.move_session(
                session=session,
                by=request.user,  # type: ignore[arg-type]
                start=start,
                end=end,
                location=data["location"],
                online_url=data["online_url"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Session changed. Everyone invited has been sent the update.")
            if retimed and answered:
                messages.warning(
                    request, f"These answers were reset and each person asked to answer again: {', '.join(answered)}."
                )
            return redirect("supervision:session_detail", pk=session.pk)
    return render(request, "supervision/session_form.html", {"session": session, "form": form, "answered": answered})


@login_required
@GET_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(session=session, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Session cancelled. Everyone invited has been sent the cancellation.")
            return redirect("supervision:group_detail", pk=session.group_id)
    return render(request, "supervision/session_cancel.html", {"session": session, "form": form})
