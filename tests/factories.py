"""Builders for test data. Accounts and teams the way the services make them."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from decimal import Decimal
from typing import Any

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team, User
from accounts.roles import sync_role_groups
from families.models import CareLeaver, Child, Family, LevelOfNeed, Locality

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_seq = itertools.count(1)


def make_user(
    email: str, *, roles: tuple[Role, ...] = (), teams: tuple[Team, ...] = (), mfa: bool = True, **extra: Any
) -> User:
    sync_role_groups()  # a transactional test's flush removes the groups the migration made
    user = User.objects.create_user(
        email, PASSWORD, full_name=extra.pop("full_name", email.split("@", maxsplit=1)[0].title()), **extra
    )
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    user.is_staff = Role.ADMINISTRATOR in roles
    user.save()
    for team in teams:
        team.members.add(user)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


TOTP_PERIOD = 30
# Time a code needs to reach the server: allauth accepts only the current window
# (no tolerance), so a code read in a window's last moments arrives too late.
TOTP_MARGIN_SECONDS = 3.0


_CODES_GIVEN: set[tuple[int, int]] = set()


def current_totp_code(secret: str = TOTP_SECRET, *, for_user: Any = None) -> str:
    """The authenticator's code, read as a person would: not in the last seconds of its window.

    Reading it at 29.9 s and submitting at 30.1 s was why browser sign-ins failed
    about once in several runs (the page stayed on the code form). With `for_user`,
    a code already given to that user is not given again: allauth refuses a code
    used once (replay), so a second sign-in in the same window waits for the next.
    """
    now = time.time()
    window = int(now // TOTP_PERIOD)
    left = TOTP_PERIOD - now % TOTP_PERIOD
    while left < TOTP_MARGIN_SECONDS or (for_user is not None and (for_user.pk, window) in _CODES_GIVEN):
        time.sleep(left)
        now += left
        window, left = int(now // TOTP_PERIOD), TOTP_PERIOD
    if for_user is not None:
        _CODES_GIVEN.add((for_user.pk, window))
    return str(format_hotp_value(hotp_value(secret, window)))


def sign_in(
    client: Client, user: User, *, password: str = PASSWORD, totp_secret: str = TOTP_SECRET
) -> HttpResponseBase:
    """Sign in through allauth's own pages, as a user does: the password, then a code
    from the authenticator app if allauth asks for one. Returns the last response,
    not followed.

    Use this wherever the test is about signing in, MFA or the session. A code works
    once, so a second sign-in of the same user waits for the next code
    (`current_totp_code(for_user=...)`).
    """
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    if response.get("Location") == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(totp_secret, for_user=user)})
    return response


def login(client: Client, user: User, *, passed_mfa: bool = True) -> Client:
    """A client in the state allauth leaves after password (and, by default, second factor).

    A shortcut for tests about what a signed-in user may do; it writes the session
    by hand, so a test about signing in, MFA or the session uses `sign_in` instead.
    """
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    records: list[dict[str, Any]] = [{"method": "password", "at": time.time(), "email": user.email}]
    if passed_mfa:
        records.append({"method": "mfa", "at": time.time(), "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Family Safeguarding Team {next(_seq)}", service="Family Safeguarding")


def make_locality(name: str | None = None) -> Locality:
    n = next(_seq)
    return Locality.objects.create(
        name=name or f"Ward {n}",
        code=f"W{n:03d}",
        latitude=Decimal("51.5") + Decimal(n) / 1000,
        longitude=Decimal("-0.1"),
    )


def make_family(
    *, team: Team, practitioner: User | None = None, locality: Locality | None = None, children: int = 1, **extra: Any
) -> Family:
    n = next(_seq)
    family = Family.objects.create(
        case_reference=extra.pop("case_reference", f"FS-2026-{n:04d}"),
        family_name=extra.pop("family_name", f"Testfamily{n}"),
        team=team,
        allocated_practitioner=practitioner,
        locality=locality or make_locality(),
        level_of_need=extra.pop("level_of_need", LevelOfNeed.CHILD_IN_NEED),
        **extra,
    )
    for i in range(children):
        Child.objects.create(
            family=family,
            first_name=f"Kid{n}x{i}",
            last_name=family.family_name,
            date_of_birth=dt.date(2016, 1, 1) + dt.timedelta(days=100 * i),
        )
    return family


def make_care_leaver(*, team: Team, adviser: User | None = None, **extra: Any) -> CareLeaver:
    n = next(_seq)
    return CareLeaver.objects.create(
        reference=extra.pop("reference", f"CL-{n:04d}"),
        first_name=extra.pop("first_name", f"Young{n}"),
        last_name=extra.pop("last_name", "Person"),
        date_of_birth=extra.pop("date_of_birth", _years_before_today(19)),
        team=team,
        personal_adviser=adviser,
        locality=extra.pop("locality", None) or make_locality(),
        **extra,
    )


def _years_before_today(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=30)
