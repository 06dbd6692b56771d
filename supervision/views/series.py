"""Diarising a series (with its clashes shown first), changing many sessions at once, and undoing a removal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from supervision import forms, services
from supervision.models import MembershipChange
from supervision.permissions import get_group_for_user
from supervision.services import membership
from supervision.services.scheduling import CLASH_DAYS, first_usual_day, preview_series
from supervision.services.series import cancel_sessions_from, move_sessions_from, sessions_from
from supervision.views.common import GET_POST, add_errors, flash_error


@login_required
@GET_POST
def diarise(request: HttpRequest, pk: int) -> HttpResponse:
    """GET with a first date: the dates, with clashes flagged. POST: diarise them (clashes only if ticked)."""
    group = get_group_for_user(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else (request.GET if request.GET.get("first_day") else None)
    form = forms.DiariseForm(data)
    preview = None
    if form.is_valid():
        preview = preview_series(
            group=group, first_day=form.cleaned_data["first_day"], until=form.cleaned_data["until"]
        )
        form = forms.DiariseForm(data, clash_days=[row.planned.day for row in preview if row.clash])
        form.is_valid()
    if request.method == "POST" and form.is_valid():
        try:
            result = services.diarise_series(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if result.nothing_to_do:
                messages.info(request, "Nothing to do: every date already has a session or was left out as a clash.")
            else:
                messages.success(
                    request,
                    f"{len(result.created)} sessions diarised. Everyone in the group is sent one invitation "
                    "for the series.",
                )
            for planned in result.moved:
                messages.info(request, planned.note)
            if result.clashes_left_out:
                messages.info(
                    request, f"{len(result.clashes_left_out)} dates close to an existing session were left out."
                )
            return redirect("supervision:group_detail", pk=group.pk)
    first_day = form.cleaned_data.get("first_day") if form.is_bound and hasattr(form, "cleaned_data") else None
    usual = first_usual_day(group, first_day) if first_day else None
    context = {
        "group": group,
        "form": form,
        "preview": preview,
        "new_count": sum(1 for row in preview or [] if row.existing is None),
        "clash_count": sum(1 for row in preview or [] if row.clash),
        "moved_first": (
            f"{first_day:%A %-d %B %Y} is not the group's usual day, so the series starts on {usual:%A %-d %B %Y}."
            if first_day and usual and usual != first_day
            else ""
        ),
        "clash_days": CLASH_DAYS,
    }
    return render(request, "supervision/diarise.html", context)


@login_required
@GET_POST
def sessions_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel or move every session still to come from a date: the form, one confirmation, then one email each."""
    group = get_group_for_user(request.user, pk, manage=True)
    form = forms.BulkChangeForm(request.POST or None)
    affected = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        affected = list(sessions_from(group=group, first_day=data["first_day"], last_day=data["last_day"]))
        if request.POST.get("confirm") == "yes" and affected:
            try:
                if data["action"] == "cancel":
                    count = cancel_sessions_from(
                        group=group,
                        by=request.user,  # type: ignore[arg-type]
                        first_day=data["first_day"],
                        last_day=data["last_day"],
                        reason=data["reason"],
                    )
                    done = f"{count} session{'s' if count != 1 else ''} cancelled"
                else:
                    count = move_sessions_from(
                        group=group,
                        by=request.user,  # type: ignore[arg-type]
                        first_day=data["first_day"],
                        last_day=data["last_day"],
                        days=data["days"] or 0,
                        start_time=data["start_time"],
                        reason=data["reason"],
                    )
                    done = f"{count} session{'s' if count != 1 else ''} moved. Everyone is asked to answer again"
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"{done}. Each person invited is sent one email for the change.")
                return redirect("supervision:group_detail", pk=group.pk)
    return render(request, "supervision/sessions_change.html", {"group": group, "form": form, "affected": affected})


@login_required
@require_POST
def member_restore(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, manage=True)
    change = group.membership_changes.select_related("user").filter(pk=change_pk).first()
    if change is None or change.kind != MembershipChange.Kind.REMOVED:
        raise Http404
    try:
        membership.restore_member(change=change, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request,
            f"{change.user} is a member again and is being re-invited to the future sessions. Agenda items "
            "they were to present were not given back: add them again if they should.",
        )
    return redirect("supervision:group_detail", pk=group.pk)


@login_required
@require_GET
def calendar_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The group page's calendar-work panel, polled by htmx while work is waiting or running."""
    group = get_group_for_user(request.user, pk, manage=True)
    changes = membership.recent_changes(group=group)
    members = {m.user_id for m in group.members.all()}
    upcoming = list(group.sessions.upcoming())
    return render(
        request,
        "supervision/includes/_calendar_work.html",
        {
            "group": group,
            "calendar_work": changes,
            "restorable": membership.restorable(changes, member_ids=members, upcoming=upcoming),
        },
    )
