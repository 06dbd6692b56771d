"""Actions: a group's list, and adding, changing, deleting and ticking one off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core import audit
from core.pagination import counted_page
from supervision import forms, selectors, services
from supervision.models import Action
from supervision.permissions import get_action_for_user, get_group_for_user, get_item_for_user, rights_for, uses_gcs
from supervision.views.common import GET_POST, add_errors, flash_error, is_htmx

# As the family list: a page costs the same for a group with 10 actions or 1,000.
ACTIONS_PER_PAGE = 25
# What a row of the tracker shows: the related rows' other columns (a user's password hash,
# every timestamp) would be read and turned into objects for nothing, 25 times a page.
ACTION_LIST_FIELDS = (
    "description",
    "due_on",
    "status",
    "group_id",
    "owner__full_name",
    "family__case_reference",
    "item__session__start",
)


@login_required
@require_GET
def action_list(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    form = forms.ActionFilterForm(request.GET or None, group=group)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"] or "",
            "case_reference": data["family"],
            "owner_id": data["owner"].pk if data["owner"] else None,
        }
    with transaction.atomic():
        page = counted_page(
            selectors.actions_for_group(group=group, **filters).only(*ACTION_LIST_FIELDS),
            request.GET.get("page"),
            ACTIONS_PER_PAGE,
        )
        audit.record_view(request, group, page="actions")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/action_list.html",
        {
            "group": group,
            "form": form,
            "page_obj": page,
            "query_without_page": query.urlencode(),
            "today": timezone.localdate(),
            "rights": rights_for(request.user, group),
        },
    )


@login_required
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    """The actions a person owns in any group, members or not: where their reminders link."""
    user = request.user
    if not isinstance(user, User) or not uses_gcs(user):
        raise Http404
    with transaction.atomic():
        actions = list(
            Action.objects.filter(owner=user)
            .select_related("family", "group", "item__session")
            .order_by("status", "due_on", "pk")[:200]
        )
        audit.record_view(request, user, page="my_actions", actions=len(actions))
    return render(request, "supervision/my_actions.html", {"actions": actions, "today": timezone.localdate()})


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, minutes=True)
    form = forms.ActionForm(request.POST)
    error, added = "", None
    if form.is_valid():
        try:
            added = services.add_action(item=item, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Not added: " + " ".join(str(e) for errs in form.errors.values() for e in errs)
    if is_htmx(request):
        # The family's actions and a fresh form (or the typed one, with what to fix), without a reload.
        with transaction.atomic():
            actions = list(item.actions.select_related("owner").order_by("due_on", "pk"))
            audit.record_view(request, item.session, page="actions_block", item=item.pk)
        return render(
            request,
            "supervision/includes/_actions.html",
            {
                "item": item,
                "actions": actions,
                "editable": True,
                "owners": list(forms.gcs_users()),
                "error": error,
                "added": added,
                "typed": request.POST if error else None,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Action added for {item.family.case_reference}.")
    return redirect(reverse("supervision:minutes", kwargs={"pk": item.session_id}) + f"#actions-{item.pk}")


@login_required
@GET_POST
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, edit=True)
    session = action.item.session
    back = reverse("supervision:minutes", kwargs={"pk": session.pk}) + f"#actions-{action.item_id}"
    form = forms.ActionForm(
        request.POST or None,
        initial={"description": action.description, "owner": action.owner, "due_on": action.due_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(action=action, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Action for {action.family.case_reference} changed.")
            return redirect(back)
    if request.method == "GET":
        with transaction.atomic():
            audit.record_view(request, action, page="action_edit")
    return render(
        request, "supervision/action_form.html", {"action": action, "session": session, "form": form, "back": back}
    )


@login_required
@require_POST
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, edit=True)
    item_id, session_id, ref = action.item_id, action.item.session_id, action.family.case_reference
    try:
        services.delete_action(action=action, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"Action for {ref} deleted.")
    return redirect(reverse("supervision:minutes", kwargs={"pk": session_id}) + f"#actions-{item_id}")


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, change=True)
    form = forms.ActionStatusForm(request.POST)
    form.is_valid()
    services.set_action_done(action=action, done=form.cleaned_data.get("done", False), by=request.user)  # type: ignore[arg-type]
    messages.success(request, "Action marked done." if action.status == "done" else "Action reopened.")
    next_url = request.POST.get("next", "")
    if next_url.startswith("/gcs/") and "//" not in next_url:
        return redirect(next_url)
    if not rights_for(request.user, action.group).view:
        return redirect("supervision:my_actions")
    return redirect("supervision:action_list", pk=action.group_id)
