from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from core import audit

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
