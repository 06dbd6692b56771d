"""Recording safer-recruitment checks: forms, interviews, training, DBS, references, and the referee's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from volunteers.forms import recruitment as forms
from volunteers.models import RequirementKind
from volunteers.models.recruitment import SIMPLE_KINDS
from volunteers.permissions import get_volunteer_for_user
from volunteers.services import recruitment as services
from volunteers.services import references
from volunteers.views.recruitment import GET_POST, _simple_form, add_errors


@login_required
@GET_POST
def check_record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    if kind not in SIMPLE_KINDS:
        raise Http404
    label = RequirementKind(kind).label
    form = forms.CheckForm(
        request.POST or None,
        role_training=kind == RequirementKind.ROLE_TRAINING,
        initial={"started_on": services.today(), "role": request.GET.get("role", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_check(volunteer=volunteer, kind=kind, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{label} recorded.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, f"Record: {label.lower()}", "Save")


@login_required
@GET_POST
def dbs_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _dbs_form(request, pk, None)


@login_required
@GET_POST
def dbs_edit(request: HttpRequest, pk: int, dbs_pk: int) -> HttpResponse:
    return _dbs_form(request, pk, dbs_pk)


def _dbs_form(request: HttpRequest, pk: int, dbs_pk: int | None) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    dbs = get_object_or_404(volunteer.dbs_checks, pk=dbs_pk) if dbs_pk else None
    form = forms.DbsForm(request.POST or None, instance=dbs, initial={"applied_on": services.today()})
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.record_dbs(volunteer=volunteer, by=request.user, dbs=dbs, **fields)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "DBS check recorded.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, "Record a DBS check", "Save DBS check")


@login_required
@GET_POST
def dbs_decide(request: HttpRequest, pk: int, dbs_pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    dbs = get_object_or_404(volunteer.dbs_checks, pk=dbs_pk)
    form = forms.DbsDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_dbs(dbs=dbs, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, "Decide on a DBS certificate that disclosed information", "Save")


@login_required
@GET_POST
def dbs_status_check(request: HttpRequest, pk: int, dbs_pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    dbs = get_object_or_404(volunteer.dbs_checks, pk=dbs_pk)
    form = forms.StatusCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_status_check(dbs=dbs, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Update Service status check recorded.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, "Record an Update Service status check", "Save")


@login_required
@GET_POST
def reference_request(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    form = forms.ReferenceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            references.request_reference(volunteer=volunteer, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Reference requested by email.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _simple_form(request, volunteer, form, "Ask for a reference", "Send request")


@login_required
@GET_POST
def reference_review(request: HttpRequest, pk: int, ref_pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    reference = get_object_or_404(volunteer.references, pk=ref_pk)
    form = forms.ReferenceReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            references.review_reference(reference=reference, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Reference reviewed.")
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/recruitment/reference_review.html",
        {"volunteer": volunteer, "reference": reference, "form": form},
    )


@never_cache
@csrf_protect
@GET_POST
def reference_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The referee's form: no sign-in, the link is the credential and works once."""
    reference = references.reference_from_token(token)
    if reference is None:
        return render(request, "volunteers/recruitment/reference_gone.html", status=410)
    form = forms.RefereeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            references.give_reference(token=token, **form.cleaned_data)
        except ValidationError:
            return render(request, "volunteers/recruitment/reference_gone.html", status=410)
        return render(request, "volunteers/recruitment/reference_thanks.html")
    return render(
        request,
        "volunteers/recruitment/reference_form.html",
        {"form": form, "applicant": reference.volunteer.full_name},
    )
