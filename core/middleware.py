from __future__ import annotations

import time
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
from django.utils.http import urlencode

from core import audit
from core.models import Role

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_STARTED = "kf_started_at"
SESSION_LAST_SEEN = "kf_last_seen_at"


class SessionTimeoutMiddleware:
    """Signs a user out after 30 idle minutes, and after 12 hours whatever they do."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED)
            last_seen = request.session.get(SESSION_LAST_SEEN)
            idle = last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_old = started is not None and now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_old:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not used Kinfolk for 30 minutes."
                    if idle
                    else "You were signed out because your session reached its 12-hour limit.",
                )
                return HttpResponseRedirect(
                    f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                )
            if started is None:
                request.session[SESSION_STARTED] = now
            request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


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


class AuditContextMiddleware:
    """Makes the acting user and request path available to audit records written by signals."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.set_context(audit.context_from_request(request))
        try:
            return self.get_response(request)
        finally:
            audit.reset_context(token)


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a signed-in user hold case data: no browser or proxy may keep them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, private"
        return response
