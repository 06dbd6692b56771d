"""The administrator's pages (users, invitations, the audit log) and accepting an invitation."""

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
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from accounts import services
from accounts.forms import AcceptInvitationForm, AuditFilterForm, InviteUserForm
from accounts.models import AccountLock, Invitation, User
from accounts.permissions import require_role_perm
from core.models import AuditEvent
from core.pagination import LIST_PAGE_SIZE, counted_page

USERS_PER_PAGE = LIST_PAGE_SIZE


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    require_role_perm(request.user, "accounts.manage_users")
    active_locks = Prefetch("sign_in_locks", AccountLock.objects.active(), to_attr="active_locks")
    # A page of accounts at a time (a county has hundreds of staff): the prefetches read only its rows.
    query = request.GET.get("q", "").strip()[:100]
    accounts = User.objects.prefetch_related("groups", "teams", active_locks)
    if query:
        accounts = accounts.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    users = counted_page(accounts.order_by("full_name", "email"), request.GET.get("page"), USERS_PER_PAGE)
    invitations = Invitation.objects.filter(accepted_at__isnull=True).select_related("invited_by")[:50]
    locked = AccountLock.objects.active().values("user_id")
    locked_users = list(User.objects.filter(pk__in=locked).prefetch_related(active_locks).order_by("full_name"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "users": users,
            "page_obj": users,
            "query": query,
            "query_without_page": urlencode({"q": query}) if query else "",
            "invitations": invitations,
            "locked_users": locked_users,
        },
    )


@login_required
@require_POST
def unlock_user(request: HttpRequest, pk: int) -> HttpResponse:
    require_role_perm(request.user, "accounts.manage_users")
    user = get_object_or_404(User, pk=pk)
    try:
        services.unlock_account(request=request, user=user, unlocked_by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{user.email} can sign in again.")
    return redirect("accounts:user_list")


@login_required
def invite_user(request: HttpRequest) -> HttpResponse:
    require_role_perm(request.user, "accounts.manage_users")
    form = InviteUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invite_user(invited_by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("accounts:user_list")
    return render(request, "accounts/invite_user.html", {"form": form})


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    require_role_perm(request.user, "accounts.manage_users")
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.revoke_invitation(invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked")
    return redirect("accounts:user_list")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_usable_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            _add_errors(form, exc, field="password1")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # Recorded as allauth records a password sign-in, so the set-up pages
            # treat it alike: no second password prompt while it is fresh
            # (accounts.mfa.sign_in_counts_as_password_check), one after.
            record_authentication(request, user, "password")
            return redirect("mfa_activate_totp" if settings.KINFOLK_ENFORCE_MFA else "core:home")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    require_role_perm(request.user, "accounts.view_audit_log")
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
        "accounts/audit_log.html",
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


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
