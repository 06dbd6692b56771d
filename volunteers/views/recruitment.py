"""Coordinators' pages for recruitment: the list, enquiries, a volunteer's record, profile and status,
supervision conversations, the recruitment figures and the retention report."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core.models import AuditAction
from volunteers.forms import recruitment as forms
from volunteers.permissions import get_volunteer_for_user, runs_scheme, volunteers_visible_to
from volunteers.selectors import recruitment as selectors
from volunteers.services import recruitment as services
from volunteers.services import retention
from volunteers.services.supervision import record_conversation

GET_POST = require_http_methods(["GET", "POST"])


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on its field where there is one, else on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _require_coordinator(request: HttpRequest) -> None:
    if not runs_scheme(request.user):
        raise Http404


@login_required
@require_GET
def volunteer_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = forms.VolunteerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = selectors.volunteer_page(
        volunteers_visible_to(request.user),
        q=data.get("q", ""),
        role=data.get("role", ""),
        stage=data.get("stage", ""),
        page=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/recruitment/volunteer_list.html",
        {"form": form, "page_obj": page, "query_without_page": query.urlencode()},
    )


@login_required
@GET_POST
def volunteer_create(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = forms.ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.add_enquiry(by=request.user, roles=form.cleaned_data["roles"], **form.profile())  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Enquiry from {volunteer.full_name} added.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(request, "volunteers/recruitment/volunteer_form.html", {"form": form, "creating": True})


@login_required
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    with transaction.atomic():
        context = selectors.volunteer_record(volunteer, on=services.today())
        audit.record_view(request, volunteer, page="volunteer")
    context["reason_form"] = forms.ReasonForm()
    return render(request, "volunteers/recruitment/volunteer_detail.html", context)


@login_required
@GET_POST
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    form = forms.ProfileForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(volunteer=volunteer, roles=form.cleaned_data["roles"], **form.profile())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Profile saved.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(request, "volunteers/recruitment/volunteer_form.html", {"form": form, "volunteer": volunteer})


@login_required
@GET_POST
def absence_add(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    form = forms.AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_absence(volunteer=volunteer, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Dates away added.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, "Add dates away", "Add dates away")


def _simple_form(request: HttpRequest, volunteer: Any, form: Any, title: str, button: str) -> HttpResponse:
    return render(
        request,
        "volunteers/recruitment/simple_form.html",
        {"volunteer": volunteer, "form": form, "title": title, "button": button},
    )


@login_required
@require_POST
def volunteer_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.pause, "Paused.")


@login_required
@require_POST
def volunteer_leave(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.leave, "Marked as left.")


def _status_change(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(volunteer=volunteer, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(request, "Give a reason.")
    return redirect("volunteers:volunteer_detail", pk=volunteer.pk)


@login_required
@require_POST
def volunteer_resume(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    services.resume(volunteer=volunteer, by=request.user)  # type: ignore[arg-type]
    messages.success(request, "Resumed.")
    return redirect("volunteers:volunteer_detail", pk=volunteer.pk)


@login_required
@GET_POST
def declaration_add(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    form = forms.DeclarationForm(request.POST or None, initial={"declared_on": services.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_declaration(volunteer=volunteer, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Declaration recorded.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, "Record a declared conflict of interest", "Record declaration")


@login_required
@GET_POST
def conversation_add(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    form = forms.ConversationForm(request.POST or None, initial={"held_on": services.today()})
    if request.method == "POST" and form.is_valid():
        try:
            record_conversation(volunteer=volunteer, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Conversation recorded.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, "Record a supervision or wellbeing conversation", "Save")


@login_required
@require_GET
def conversations_due(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    rows = selectors.conversations_due(volunteers_visible_to(request.user), on=services.today())
    return render(request, "volunteers/recruitment/conversations_due.html", {"rows": rows, "today": services.today()})


@login_required
@require_GET
def recruitment_figures(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    table = selectors.stage_figures(on=services.today())
    return render(request, "volunteers/recruitment/figures.html", {"table": table})


@login_required
@require_GET
def recruitment_figures_csv(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applicants-by-stage.csv"'
    response["Cache-Control"] = "no-store, private"
    writer = csv.writer(response)
    writer.writerow(["Role", "Stage", "Applicants", "Median days in stage", "Longest days in stage"])
    with transaction.atomic():
        for row in selectors.stage_figures(on=services.today()):
            writer.writerow([row.role, row.stage, row.count, row.median_days, row.max_days])
        audit.record(
            action=AuditAction.EXPORT, object_type="volunteers.figures", object_id="recruitment", request=request
        )
    return response


@login_required
@require_GET
def retention_report(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.manage_users"):
        raise Http404
    with transaction.atomic():
        report = retention.candidates(on=services.today())
        audit.record(action=AuditAction.VIEW, object_type="volunteers.retention", object_id="dry-run", request=request)
    return render(request, "volunteers/recruitment/retention.html", {"report": report})
