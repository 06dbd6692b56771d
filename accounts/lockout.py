"""Per-account sign-in locks on top of allauth's rate limits.

allauth counts wrong passwords in the shared cache (Redis in production), per
address and per typed email address: `ACCOUNT_RATE_LIMITS["login_failed"]`. The
cache holds the counting because every web process must see the same attempts and
allauth already takes a lock around each count. What the counter cannot do is tell
anyone, so when an account's counter reaches its limit the adapter
(accounts.adapters.AccountAdapter.authentication_failed) calls
`accounts.services.lock_account`, which writes an `AccountLock` row, audits it and
emails the user once. From then on the row, not the cache, decides: the adapter
refuses every sign-in to that account while the lock is active, whatever address
or spelling of the email it comes from, and an administrator can lift it.

This module is the one place that knows how allauth keys that counter.
"""

from __future__ import annotations

import datetime as dt

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from accounts.models import AccountLock, User

ACTION = "login_failed"
APP = "allauth.account"


def _account_rate_text() -> str:
    """The per-account part of the login_failed limit as written in settings, e.g. "5/15m/key"."""
    configured = account_settings.RATE_LIMITS.get(ACTION) or ""
    for part in configured.split(","):
        if part.strip() and allauth_ratelimit.parse_rate(part.strip()).per == "key":
            return part.strip()
    raise ImproperlyConfigured('ACCOUNT_RATE_LIMITS["login_failed"] needs a per-account ("/key") limit.')


def failures_allowed() -> int:
    """Wrong passwords that lock an account."""
    return int(allauth_ratelimit.parse_rate(_account_rate_text()).amount)


def lock_duration() -> dt.timedelta:
    """How long a lock lasts from the wrong password that caused it: the limit's own window."""
    return dt.timedelta(seconds=allauth_ratelimit.parse_rate(_account_rate_text()).duration)


def _counter_key(request: HttpRequest, email: str) -> str:
    # allauth's own key for the per-account counter (the site's host and the
    # lower-cased email). A private method: if an upgrade renames it, the unlock
    # tests fail rather than this module silently clearing the wrong counter.
    return str(get_adapter(request)._get_login_attempts_cache_key(request, email=email))


def account_limit_reached(request: HttpRequest, email: str) -> bool:
    """Whether the per-account counter for `email` is full (counts only; changes nothing).

    Only the per-account rate is checked: a full per-address counter must not lock
    the account of whoever happened to be signing in from that address.
    """
    usage = allauth_ratelimit.consume(
        request,
        app=APP,
        action=ACTION,
        config={ACTION: _account_rate_text()},
        key=_counter_key(request, email),
        dry_run=True,
    )
    return usage is None


def clear_failures(request: HttpRequest, user: User) -> None:
    """Empty the per-account counters of `user`: every address they sign in with, and their second factor.

    The per-address counters are left alone: they belong to everyone behind that address.
    """
    config = {ACTION: _account_rate_text()}
    addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    emails = {user.email.lower(), *(address.lower() for address in addresses)}
    for email in sorted(emails):
        allauth_ratelimit.clear(request, app=APP, action=ACTION, config=config, key=_counter_key(request, email))
    # allauth.mfa counts wrong authenticator codes under the same action, keyed by user.
    allauth_ratelimit.clear(request, app=APP, action=ACTION, config=config, key=f"mfa-auth-user-{user.pk}")


def users_signing_in_as(email: str) -> QuerySet[User]:
    """The accounts an email address typed on the login form can reach (as allauth's backend finds them)."""
    return User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email)).distinct()


def is_locked(email: str) -> bool:
    return AccountLock.objects.active().filter(user__in=users_signing_in_as(email)).exists()
