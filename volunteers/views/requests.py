"""Requests for a volunteer: asking, the coordinator's list, a request's page, consent and closing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from volunteers.forms.requests import CloseRequestForm, RequestFilterForm, RequestForm
from volunteers.models import LIVE_MATCH_STATES, Match, VolunteerRequest
from volunteers.permissions import get_request_for_user, makes_requests, requests_visible_to, runs_scheme
from volunteers.services import requests as services

GET_POST = require_http_methods(["GET", "POST"])


def with_list_relations(qs: QuerySet[VolunteerRequest]) -> QuerySet[VolunteerRequest]:
    """The columns of a request list, in a fixed number of queries however long it is."""
    live = Match.objects.filter(request=OuterRef("pk"), state__in=LIVE_MATCH_STATES).order_by("-proposed_at")
    return qs.select_related("family__locality", "care_leaver__locality").annotate(
        live_state=Subquery(live.values("state")[:1])
    )


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """The coordinator works through open requests, oldest first; a practitioner sees theirs."""
    user = request.user
    if not (runs_scheme(user) or makes_requests(user)):
        raise Http404
    form = RequestFilterForm(request.GET or None)
    qs: QuerySet[VolunteerRequest]
    if runs_scheme(user):
        qs = VolunteerRequest.objects.open().order_by("created_at", "pk")
        if form.is_valid() and form.cleaned_data["role"]:
            qs = qs.filter(role=form.cleaned_data["role"])
    else:
        qs = requests_visible_to(user).order_by("-created_at", "-pk")
    page = Paginator(with_list_relations(qs), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/requests/list.html",
        {
            "page_obj": page,
            "form": form,
            "coordinator": runs_scheme(user),
            "query_without_page": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
@GET_POST
def request_create(request: HttpRequest) -> HttpResponse:
    if not makes_requests(request.user):
        raise Http404
    form = RequestForm(request.POST or None, user=request.user, initial={"wanted_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.make_request(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Request {made.reference} sent to the volunteer coordinator.")
            return redirect("volunteers:request_detail", pk=made.pk)
    return render(request, "volunteers/requests/form.html", {"form": form})


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        req = get_request_for_user(request.user, pk)
        audit.record_view(request, req)
        matches = list(req.matches.select_related("volunteer", "proposed_by").order_by("-proposed_at"))
    return render(
        request,
        "volunteers/requests/detail.html",
        {
            "req": req,
            "matches": matches,
            "live": next((m for m in matches if m.is_live), None),
            "coordinator": runs_scheme(request.user),
            "close_form": CloseRequestForm(),
        },
    )


@login_required
@require_POST
def request_withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_request_for_user(request.user, pk, write=True)
    try:
        services.withdraw_consent(request=req, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Consent withdrawn: {req.reference} is off the matching board and the coordinator is told."
        )
    return redirect("volunteers:request_detail", pk=req.pk)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_request_for_user(request.user, pk, write=True)
    form = CloseRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the request is closing.")
        return redirect(reverse("volunteers:request_detail", kwargs={"pk": req.pk}) + "#close")
    try:
        services.close_request(request=req, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Request {req.reference} closed.")
    return redirect("volunteers:request_detail", pk=req.pk)
