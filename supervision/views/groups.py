"""Groups: the list, creating and editing a group, its members, and diarising its sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Team
from core import audit
from supervision import forms, selectors, services
from supervision.models import SupervisionGroup
from supervision.permissions import get_group_for_user, groups_visible_to, rights_for
from supervision.services import membership
from supervision.views.common import GET_POST, add_errors, flash_error


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        SupervisionGroup.objects.with_list_relations().filter(pk__in=groups_visible_to(request.user)).order_by("name")
    )
    return render(
        request,
        "supervision/group_list.html",
        {"groups": groups, "can_create": request.user.has_perm("supervision.create_group")},
    )


def _teams_for_new_group(user: Any) -> Any:
    """Teams the user belongs to or manages (a team may run several groups)."""
    return Team.objects.filter(Q(pk__in=user.teams.values("pk")) | Q(pk__in=user.managed_teams.values("pk"))).order_by(
        "name"
    )


@login_required
@GET_POST
def group_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("supervision.create_group"):
        raise Http404
    teams = list(_teams_for_new_group(request.user))
    if not teams:
        # An empty required choice would be a dead end: say why and what to do instead.
        return render(request, "supervision/group_form.html", {"form": None, "creating": True, "no_team": True})
    initial: dict[str, Any] = {"coordinator": request.user}
    if len(teams) == 1:
        initial["team"] = teams[0]
    form = forms.GroupForm(
        request.POST or None, teams=Team.objects.filter(pk__in=[t.pk for t in teams]), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        try:
            group = services.create_group(team=team, by=request.user, **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{group.name} created. Add its members next.")
            return redirect("supervision:group_detail", pk=group.pk)
    return render(request, "supervision/group_form.html", {"form": form, "creating": True})


@login_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    rights = rights_for(request.user, group)
    now = timezone.now()
    with transaction.atomic():
        # Every upcoming session (a weekly group has 52 a year), in one query.
        upcoming = list(selectors.session_list(group).filter(end__gte=now))
        past = Paginator(group.sessions.with_counts().filter(end__lt=now).order_by("-start"), 10).get_page(
            request.GET.get("page")
        )
        due_count = len(selectors.families_due(group=group)) if rights.manage else None
        audit.record_view(request, group, page="group")
    members = selectors.group_members(group)
    calendar_work = membership.recent_changes(group=group) if rights.manage else []
    context = {
        "group": group,
        "rights": rights,
        "members": members,
        "upcoming": upcoming,
        "past": past,
        "member_form": forms.MemberForm(group=group) if rights.manage else None,
        "due_count": due_count,
        "calendar_work": calendar_work,
        "restorable": membership.restorable(calendar_work, member_ids={m.user_id for m in members}, upcoming=upcoming),
    }
    return render(request, "supervision/group_detail.html", context)


@login_required
@GET_POST
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, manage=True)
    form = forms.GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        # The form has already copied the data onto `group`; the service compares with the stored row.
        try:
            services.update_group(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Group settings saved.")
            return redirect("supervision:group_detail", pk=group.pk)
    return render(request, "supervision/group_form.html", {"form": form, "group": group, "creating": False})


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, manage=True)
    form = forms.MemberForm(request.POST, group=group)
    if form.is_valid():
        try:
            member = services.add_member(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(
                request,
                f"{member.user} added. Their invitations to the future sessions are being sent: "
                "progress is shown under Members.",
            )
    else:
        messages.error(request, "Choose a person and their discipline.")
    return redirect("supervision:group_detail", pk=group.pk)


@login_required
@GET_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """GET: what removing the member will do. POST: remove them (undoable from the group page)."""
    group = get_group_for_user(request.user, pk, manage=True)
    member = group.members.select_related("user", "group").filter(pk=member_pk).first()
    if member is None:
        raise Http404
    if request.method == "GET":
        preview = membership.preview_removal(member=member)
        return render(request, "supervision/member_remove.html", {"group": group, "preview": preview})
    removal = services.remove_member(member=member, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        f"{member.user} removed. Their invitations to {removal.change.sessions} future "
        f"session{'s' if removal.change.sessions != 1 else ''} are being cancelled: progress is shown under "
        "Members, where you can undo this.",
    )
    if removal.presenting:
        refs = ", ".join(
            f"{item.family.case_reference} ({timezone.localtime(item.session.start):%-d %B})"
            for item in removal.presenting
        )
        messages.warning(
            request,
            f"{member.user} was to present {refs}. Remove each from its agenda and add it again "
            "with another presenting worker.",
        )
    if removal.actions:
        messages.warning(
            request,
            f"{member.user} owns {len(removal.actions)} open action{'s' if len(removal.actions) != 1 else ''}. "
            "Their reminders have been withdrawn: agree a new owner at each family's next discussion.",
        )
    return redirect("supervision:group_detail", pk=group.pk)
