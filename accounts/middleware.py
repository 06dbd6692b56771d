"""Second-factor enforcement: no protected page for a session that has not passed one."""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.models import Role

Handler = Callable[[HttpRequest], HttpResponse]


def mfa_required_for(user: object) -> bool:
    """Every staff role needs a second factor; volunteers alone do not (DESIGN.md §8)."""
    roles: set[str] = getattr(user, "role_names", set())
    return roles != {Role.VOLUNTEER.value}


def session_passed_mfa(request: HttpRequest) -> bool:
    """Did this session pass a second factor?

    Either allauth recorded one at sign-in, or every authenticator the user has
    was added after this session signed in: the session is the one that set
    them up (it could reach nothing but the set-up pages until then), and adding
    one takes a valid code from it.
    """
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    signed_in_at = min((record["at"] for record in records if "at" in record), default=None)
    if signed_in_at is None:
        return False
    first_added = Authenticator.objects.filter(user=request.user).aggregate(first=Min("created_at"))["first"]
    return first_added is not None and first_added.timestamp() >= signed_in_at


class MFAEnforcementMiddleware:
    """No protected page, the Django admin included, for a password-only session.

    A user without an authenticator is sent to set one up and may reach nothing
    else; a user who has one but whose session did not pass it (which allauth's
    own login never allows, but another login path might) is signed out.
    """

    SETUP_PREFIXES = (
        "/accounts/2fa/totp/activate",
        "/accounts/2fa/webauthn/add",
        "/accounts/2fa/recovery-codes",
    )
    ALWAYS_ALLOWED = (
        "/accounts/logout/",
        "/static/",
        "/healthz",
        "/accessibility/",
        "/privacy/",
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.KINFOLK_ENFORCE_MFA
            and request.user.is_authenticated
            and mfa_required_for(request.user)
            and not request.path.startswith(self.ALWAYS_ALLOWED)
        ):
            if not is_mfa_enabled(request.user):
                if not request.path.startswith(self.SETUP_PREFIXES):
                    messages.warning(request, "Set up an authenticator app before you continue.")
                    return HttpResponseRedirect(reverse("mfa_activate_totp"))
            elif not session_passed_mfa(request):
                logout(request)
                return HttpResponseRedirect(reverse("account_login"))
        return self.get_response(request)
