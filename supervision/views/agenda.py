"""The agenda: adding families, publishing, and the running order."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import audit
from families.models import Family
from supervision import forms, selectors, services
from supervision.models import SupervisionSession
from supervision.permissions import get_item_for_user, get_session_for_user
from supervision.views.common import GET_POST, add_errors, flash_error

# The families waiting longest are listed; a team of 200 families would otherwise list them all.
DUE_SHOWN = 30


def _team_families(session: SupervisionSession) -> QuerySet[Family]:
    return Family.objects.open().filter(team_id=session.group.team_id)


def _chosen_family(request: HttpRequest, session: SupervisionSession) -> dict[str, str]:
    """?family=<id> (a family due, or one "add all due" skipped) fills in its case reference.

    Ids, not case references, travel in the URL; one of another team fills in nothing.
    """
    family_id = request.GET.get("family", "")
    if not family_id.isdigit():
        return {}
    reference = _team_families(session).filter(pk=int(family_id)).values_list("case_reference", flat=True).first()
    return {"family": reference} if reference else {}


@login_required
@GET_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    form = forms.AgendaItemForm(request.POST or None, session=session, initial=_chosen_family(request, session))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(session=session, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{item.family.case_reference} added to the agenda.")
            return redirect("supervision:session_detail", pk=session.pk)
    skipped_ids = [int(x) for x in request.GET.get("skipped", "").split(",") if x.isdigit()]
    with transaction.atomic():
        due, due_total = selectors.families_due_page(group=session.group, session=session, limit=DUE_SHOWN)
        # Those "add all due" skipped and not added by hand since.
        skipped = (
            list(_team_families(session).filter(pk__in=skipped_ids).exclude(gcs_items__session=session))
            if skipped_ids
            else []
        )
        audit.record_view(request, session, page="agenda_add", families_due=[d.family.pk for d in due])
    context = {"session": session, "form": form, "due": due, "due_total": due_total, "skipped": skipped}
    return render(request, "supervision/agenda_add.html", context)


@login_required
@require_POST
def agenda_add_due(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    try:
        result = services.add_due_families(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect("supervision:agenda_add", pk=session.pk)
    added = len(result.added)
    messages.success(
        request, f"{added} {'family' if added == 1 else 'families'} due for discussion added to the agenda."
    )
    if result.without_presenter:
        # The page lists each family it skipped with a link to add it by hand (ids only in the URL).
        skipped = ",".join(str(f.pk) for f in result.without_presenter)
        return redirect(reverse("supervision:agenda_add", kwargs={"pk": session.pk}) + f"?skipped={skipped}#skipped")
    return redirect("supervision:session_detail", pk=session.pk)


@login_required
@GET_POST
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, manage=True)
    session = item.session
    initial = {
        "presenter": item.presenter,
        "duration_minutes": item.duration_minutes,
        "specialists": list(item.specialists.all()),
    }
    form = forms.AgendaItemEditForm(request.POST or None, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(item=item, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{item.family.case_reference}: agenda item changed.")
            return redirect(reverse("supervision:session_detail", kwargs={"pk": session.pk}) + f"#item-{item.pk}")
    if request.method == "GET":
        with transaction.atomic():
            audit.record_view(request, session, page="item_edit", item=item.pk)
    return render(request, "supervision/item_form.html", {"session": session, "item": item, "form": form})


@login_required
@require_POST
def agenda_publish(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    try:
        told = services.publish_agenda(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"Agenda published. {told} people have been told.")
    return redirect("supervision:session_detail", pk=session.pk)


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, manage=True)
    form = forms.MoveItemForm(request.POST)
    if form.is_valid():
        try:
            services.move_item(item=item, direction=form.cleaned_data["direction"], by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            flash_error(request, exc)
    return redirect(reverse("supervision:session_detail", kwargs={"pk": item.session_id}) + f"#item-{item.pk}")


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, manage=True)
    try:
        services.remove_item(item=item, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"{item.family.case_reference} removed from the agenda.")
    return redirect("supervision:session_detail", pk=item.session_id)
