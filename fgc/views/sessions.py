"""The child's preparation sessions with their FGC Ambassador: the proposal to confirm, moves, cancellations, outcomes.

Who reaches them is who reaches the preparation pages (fgc.views.preparation): the
coordinator and the FGC manager plan; the referrer reads; anyone else who can see the
referral gets 403, anyone who cannot, 404. Every page is audited in its transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import audit
from core.formerrors import add_errors, flash_error
from fgc.forms_sessions import CancelSessionForm, MoveSessionForm, SessionsForm
from fgc.models import ChildVoice, PreparationSession, Referral
from fgc.permissions import get_referral_for_user, prepares, sees_network
from fgc.services import child_sessions as services
from fgc.services.preparation import BEFORE_THE_DAY
from fgc.views import user_of

GET_POST = require_http_methods(["GET", "POST"])


def _referral(request: HttpRequest, pk: int, *, change: bool) -> Referral:
    referral = get_referral_for_user(request.user, pk)
    if not sees_network(request.user, referral) or (change and not prepares(request.user, referral)):
        raise PermissionDenied
    return referral


def _session(referral: Referral, session_pk: int) -> PreparationSession:
    return get_object_or_404(
        PreparationSession.objects.select_related("voice__child", "meeting"), pk=session_pk, voice__referral=referral
    )


def _back(referral: Referral, child_pk: int) -> str:
    return reverse("fgc:child_sessions", kwargs={"pk": referral.pk, "child_pk": child_pk})


def _render(
    request: HttpRequest, referral: Referral, template: str, context: dict[str, Any], page: str
) -> HttpResponse:
    with transaction.atomic():
        audit.record_view(request, referral, page=page)
        return render(request, template, {"referral": referral, **context})


def _proposal_initial(state: services.SessionsState) -> dict[str, Any]:
    if state.proposal is None:
        return {}
    initial: dict[str, Any] = {}
    for n, start in enumerate(state.proposal.starts, start=1):
        local = timezone.localtime(start)
        initial[f"day_{n}"], initial[f"time_{n}"] = local.date(), local.time()
    return initial


@login_required
@GET_POST
def child_sessions(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    referral = _referral(request, pk, change=request.method == "POST")
    child = get_object_or_404(referral.children.all(), pk=child_pk)
    voice = ChildVoice.objects.filter(referral=referral, child=child).first()
    state = services.sessions_state(referral=referral, voice=voice)
    form = SessionsForm(request.POST if request.method == "POST" else None, initial=_proposal_initial(state))
    if request.method == "POST" and voice is not None and form.is_valid():
        try:
            planned = services.confirm_sessions(voice=voice, by=user_of(request), starts=form.starts())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"{len(planned)} sessions confirmed. The ambassador and the coordinator have diary invites."
            )
            return redirect(_back(referral, child.pk))
    elif request.method == "POST" and voice is None:
        form.add_error(None, services.NO_AMBASSADOR)
    preparer = prepares(request.user, referral) and referral.status in BEFORE_THE_DAY
    context = {"child": child, "state": state, "form": form, "preparer": preparer, "now": timezone.now()}
    return _render(request, referral, "fgc/preparation/sessions.html", context, "child-sessions")


@login_required
@GET_POST
def session_move(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    referral = _referral(request, pk, change=True)
    session = _session(referral, session_pk)
    state = services.sessions_state(referral=referral, voice=session.voice)
    suggested = services.suggest_new_time(session=session, state=state) if session.needs_replanning else None
    current = timezone.localtime(suggested or session.start)
    form = MoveSessionForm(
        request.POST if request.method == "POST" else None,
        initial={"day": current.date(), "start_time": current.time()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.move_session(session=session, by=user_of(request), start=form.start())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Session moved. The ambassador and the coordinator have updated invites.")
            return redirect(_back(referral, session.voice.child_id))
    context = {"session": session, "state": state, "form": form, "suggested": suggested}
    return _render(request, referral, "fgc/preparation/session_move.html", context, "session-move")


@login_required
@GET_POST
def session_cancel(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    referral = _referral(request, pk, change=True)
    session = _session(referral, session_pk)
    form = CancelSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(session=session, by=user_of(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Session cancelled. The invites are withdrawn.")
            return redirect(_back(referral, session.voice.child_id))
    context = {"session": session, "form": form}
    return _render(request, referral, "fgc/preparation/session_cancel.html", context, "session-cancel")


@login_required
@require_POST
def session_outcome(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    referral = _referral(request, pk, change=True)
    session = _session(referral, session_pk)
    held = request.POST.get("held")
    try:
        if held not in ("yes", "no"):
            raise ValidationError("Choose whether the session took place.")
        services.record_outcome(session=session, by=user_of(request), held=held == "yes")
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request,
            "Recorded as held, and logged as a preparation visit." if held == "yes" else "Recorded as not held.",
        )
    return redirect(_back(referral, session.voice.child_id))
