"""Audit of accounts (every change to people, teams, roles, invitations and sign-in locks,
and every sign-in), and the note a session keeps of the authenticators it set up."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import mfa
from accounts.models import AccountLock, Invitation, Team, User
from core import audit
from core.models import AuditAction

audit.audit_changes_of(
    User,
    Team,
    Invitation,
    AccountLock,
    relations=(Team.members.through, Team.managers.through, User.groups.through),
)


@receiver(authenticator_added, dispatch_uid="mfa-set-up-in-session")
def _authenticator_added(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    # The session that set the authenticator up has passed it (MFA enforcement).
    if request is not None:
        mfa.remember_set_up(request, authenticator)


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None:
        request.user = user
    audit.record(action=AuditAction.LOGIN, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # The attempted address is recorded in detail, not as the actor: it may not exist.
    audit.record(
        action=AuditAction.LOGIN_FAILED,
        object_type=User._meta.label,
        request=request,
        detail={"email": str(credentials.get("email") or credentials.get("username") or "")[:254]},
    )
