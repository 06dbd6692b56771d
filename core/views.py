from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit, selectors, services
from core.forms import (
    AcceptInvitationForm,
    AuditFilterForm,
    FamilySearchForm,
    InviteUserForm,
)
from core.models import AuditEvent, Invitation, Team, User
from core.permissions import (
    care_leavers_visible_to,
    families_visible_to,
    get_care_leaver_for_user,
    get_family_for_user,
    require_role_perm,
)

PAGE_SIZE = 25


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", selectors.home_summary(request.user))  # type: ignore[arg-type]


FAMILY_SEARCH_KEY = "kf_family_search"
CARE_LEAVER_SEARCH_KEY = "kf_care_leaver_search"


def _search_data(request: HttpRequest, key: str, fields: tuple[str, ...]) -> tuple[dict[str, str] | None, bool]:
    """Search terms travel by POST and live in the session, never in the URL.

    A child's name typed into a search would otherwise sit in access logs,
    browser history and `next` parameters. Returns the terms to apply, and
    whether the request was a new search (to redirect after a valid one).
    """
    if request.method == "POST":
        return {name: request.POST.get(name, "") for name in fields}, True
    if request.GET.get("clear"):
        request.session.pop(key, None)
    return request.session.get(key), False


@login_required
@require_http_methods(["GET", "POST"])
def family_list(request: HttpRequest) -> HttpResponse:
    visible = families_visible_to(request.user)
    teams = Team.objects.filter(pk__in=visible.values("team_id"))
    data, posted = _search_data(request, FAMILY_SEARCH_KEY, ("q", "team", "level_of_need", "include_closed"))
    form = FamilySearchForm(data, teams=teams)
    if posted and form.is_valid():
        request.session[FAMILY_SEARCH_KEY] = data
        return redirect("core:family_list")
    families = visible.with_list_relations()  # type: ignore[attr-defined]
    if form.is_valid():
        terms = form.cleaned_data
        families = families.search(terms["q"] or "")
        if terms["team"]:
            families = families.filter(team=terms["team"])
        if terms["level_of_need"]:
            families = families.filter(level_of_need=terms["level_of_need"])
        if not terms["include_closed"]:
            families = families.open()
    else:
        families = families.open()
    page = Paginator(families.order_by("case_reference"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/family_list.html", {"form": form, "page_obj": page, "searched": bool(data)})


@login_required
@require_GET
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        family = get_family_for_user(request.user, pk)
        audit.record_view(request, family)
        context = {
            "family": family,
            "children": list(family.children.all()),
            # A care leaver has their own team and adviser: show only those this user may see.
            "care_leavers": list(care_leavers_visible_to(request.user, family.care_leavers.all())),
            "can_change": request.user.has_perm("core.change_family", family),
        }
    return render(request, "core/family_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def care_leaver_list(request: HttpRequest) -> HttpResponse:
    data, posted = _search_data(request, CARE_LEAVER_SEARCH_KEY, ("q",))
    query = (data or {}).get("q", "").strip()[:100]
    if posted:
        request.session[CARE_LEAVER_SEARCH_KEY] = {"q": query}
        return redirect("core:care_leaver_list")
    care_leavers = care_leavers_visible_to(request.user).select_related("team", "locality", "personal_adviser")
    if query:
        care_leavers = care_leavers.filter(
            Q(reference__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    page = Paginator(care_leavers.order_by("reference"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/care_leaver_list.html", {"query": query, "page_obj": page})


@login_required
@require_GET
def care_leaver_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        care_leaver = get_care_leaver_for_user(request.user, pk)
        audit.record_view(request, care_leaver)
    return render(request, "core/care_leaver_detail.html", {"care_leaver": care_leaver})


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    require_role_perm(request.user, "core.manage_users")
    users = User.objects.prefetch_related("groups", "teams").order_by("full_name")
    invitations = Invitation.objects.filter(accepted_at__isnull=True).select_related("invited_by")[:50]
    return render(request, "core/user_list.html", {"users": users, "invitations": invitations})


@login_required
def invite_user(request: HttpRequest) -> HttpResponse:
    require_role_perm(request.user, "core.manage_users")
    form = InviteUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invite_user(invited_by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("core:user_list")
    return render(request, "core/invite_user.html", {"form": form})


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    require_role_perm(request.user, "core.manage_users")
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.revoke_invitation(invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked")
    return redirect("core:user_list")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_usable_invitation(token)
    if invitation is None:
        return render(request, "core/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            _add_errors(form, exc, field="password1")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # They chose this password seconds ago: count it as the fresh
            # password check allauth asks for before a second factor is added,
            # so onboarding goes straight to the authenticator app.
            record_authentication(request, user, "password", reauthenticated=True)
            return redirect("mfa_activate_totp" if settings.KINFOLK_ENFORCE_MFA else "core:home")
    return render(request, "core/accept_invitation.html", {"form": form, "invitation": invitation})


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    require_role_perm(request.user, "core.view_audit_log")
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_email__iexact=data["actor"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type__iexact=data["object_type"].strip())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"].strip())
        if data["date_from"]:
            events = events.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "query_without_page": _query_without_page(request),
        },
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _add_errors(form: Any, exc: ValidationError, field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, exc.messages)
