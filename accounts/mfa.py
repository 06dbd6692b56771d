"""What a session has proved about its user, read from the records allauth keeps.

allauth records each step of a sign-in in the session (`method` "password" or
"mfa", `at` a Unix time), and again each time it asks for the password during a
session (with `reauthenticated`). MFA enforcement and the password check before
adding a second factor both read them here.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest

# Authenticators this session set up itself (ids), kept until sign-out.
SET_UP_SESSION_KEY = "kinfolk_mfa_set_up"


def _records(request: HttpRequest) -> list[dict[str, Any]]:
    return list(get_authentication_records(request, request.user))


def _set_up_here(request: HttpRequest) -> bool:
    ids = request.session.get(SET_UP_SESSION_KEY) or []
    return bool(ids) and Authenticator.objects.filter(user_id=request.user.pk, pk__in=ids).exists()


def remember_set_up(request: HttpRequest, authenticator: Authenticator) -> None:
    """Note that this session added `authenticator`, which took a valid code (or
    the key itself) from it: proof of the second factor, as at sign-in."""
    if authenticator.type == Authenticator.Type.RECOVERY_CODES or authenticator.user_id != request.user.pk:
        return
    request.session[SET_UP_SESSION_KEY] = [*(request.session.get(SET_UP_SESSION_KEY) or []), authenticator.pk]


def session_passed_mfa(request: HttpRequest) -> bool:
    """Did this session pass a second factor?

    Either allauth recorded one at sign-in, or this session set up one the user
    still has. Another session that signed in with the password alone while the
    user had no authenticator has passed nothing: it stays out once the user has one.
    """
    if any(record.get("method") == "mfa" for record in _records(request)):
        return True
    return _set_up_here(request)


def sign_in_counts_as_password_check(request: HttpRequest) -> bool:
    """May this session change its second factors without being asked for the password again?

    allauth asks for the password again before any change to second factors and
    counts only that check, never the sign-in: a user with no authenticator who
    had just signed in with a password was sent straight to it. A password typed
    at sign-in is as fresh as one typed at the check, so for a session that signed
    in with a password alone (a user setting up their first authenticator, who
    may reach nothing else) a password given within allauth's window
    (ACCOUNT_REAUTHENTICATION_TIMEOUT) is enough; after it, allauth asks again. A
    session that signed in with a second factor keeps allauth's rule.
    """
    if not request.user.is_authenticated:
        return False
    records = _records(request)
    if any(record.get("method") == "mfa" for record in records):
        return False
    if is_mfa_enabled(request.user) and not _set_up_here(request):
        return False
    last_password = max((record["at"] for record in records if record.get("method") == "password"), default=None)
    return last_password is not None and time.time() - last_password < account_settings.REAUTHENTICATION_TIMEOUT
