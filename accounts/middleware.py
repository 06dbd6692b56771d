"""Second-factor enforcement: no protected page for a session that has not passed one."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.mfa import session_passed_mfa
from accounts.models import Role
from core import registry

Handler = Callable[[HttpRequest], HttpResponse]


def mfa_required_for(user: object) -> bool:
    """Every staff role needs a second factor (DESIGN.md §8); a volunteer needs one once an
    app shows them something of a family (core.registry's `requires_second_factor`)."""
    roles: set[str] = getattr(user, "role_names", set())
    return roles != {Role.VOLUNTEER.value} or registry.requires_second_factor(user)


class MFAEnforcementMiddleware:
    """No protected page, the Django admin included, for a password-only session.

    A user without an authenticator is sent to set one up and may reach nothing
    else; a user who has one but whose session did not pass it (another session
    that signed in while they had none, or a login path that skips allauth's
    second step) is signed out.
    """

    # All a user without an authenticator may reach. allauth's password check
    # is among them because the set-up pages ask for it once the sign-in is
    # older than ACCOUNT_REAUTHENTICATION_TIMEOUT (refusing it sent the user
    # back and forth between the two pages for ever). It only records that the
    # password was given: where it redirects next passes through here again, and
    # the only request it replays is one of these pages that it interrupted.
    SETUP_PREFIXES = (
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/reauthenticate/",
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
