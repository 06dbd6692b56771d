"""Matching: a request's ranked list, proposing a volunteer, the matching board, why this volunteer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core import audit
from core.models import AuditAction
from volunteers.forms.requests import ProposeForm
from volunteers.matching.board import build_board
from volunteers.matching.ranking import rank
from volunteers.models import Volunteer
from volunteers.permissions import get_match_for_user, get_request_for_user, runs_scheme
from volunteers.services.matching import propose_match

SHORTLIST_SHOWN = 20


def _coordinator_only(request: HttpRequest) -> None:
    if not runs_scheme(request.user):
        raise Http404


@login_required
@require_GET
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator_only(request)
    with transaction.atomic():
        req = get_request_for_user(request.user, pk)
        audit.record_view(request, req, page="shortlist")
    ranking = rank(req)
    live = req.matches.live().first()
    return render(
        request,
        "volunteers/matching/shortlist.html",
        {"req": req, "candidates": ranking.top(SHORTLIST_SHOWN), "eligible": len(ranking), "live": live},
    )


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator_only(request)
    req = get_request_for_user(request.user, pk, write=True)
    form = ProposeForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("volunteers:shortlist", kwargs={"pk": req.pk})
    if not form.is_valid():
        messages.error(request, "Choose a volunteer.")
        return redirect(back)
    volunteer = Volunteer.objects.filter(pk=form.cleaned_data["volunteer"]).first()
    if volunteer is None:
        messages.error(request, "Choose a volunteer.")
        return redirect(back)
    try:
        match = propose_match(request=req, volunteer=volunteer, by=request.user, note=form.cleaned_data["note"])  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request, f"{volunteer.first_name} {volunteer.last_name} proposed for {req.reference} (score {match.score:.0f})."
    )
    return redirect(back)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """Every request awaiting a match, with the best assignment of all of them at once."""
    _coordinator_only(request)
    result = build_board()
    with transaction.atomic():
        audit.record(
            action=AuditAction.VIEW,
            object_type="volunteers.board",
            request=request,
            detail={"requests": len(result.requests)},
        )
    return render(
        request,
        "volunteers/matching/board.html",
        {
            "board": result,
            "proposals": result.proposals(),
            "optimal_total": result.optimal_total,
            "greedy_total": result.greedy_total,
            "requests_url": reverse("volunteers:request_list"),
            "board_url": reverse("volunteers:board"),
            "note": f"Matching board: the best assignment of all {len(result.requests)} open requests at once.",
        },
    )


@login_required
@require_GET
def match_why(request: HttpRequest, pk: int) -> HttpResponse:
    """Why this volunteer: the score, its reasons, who proposed and why the others were passed over."""
    _coordinator_only(request)
    with transaction.atomic():
        match = get_match_for_user(request.user, pk)
        audit.record_view(request, match, page="why")
    return render(request, "volunteers/matching/why.html", {"match": match, "req": match.request})
