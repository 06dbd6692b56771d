"""Booking test helpers: an allocated referral and a slot on a future working day."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.utils import timezone

from accounts.models import Role, User
from core.localtime import local_datetime
from families.models import Family
from fgc.models import Conference, Referral, Venue
from fgc.services import booking, referrals
from tests import factories
from tests.fgc.factories import make_referral


def coordinator(email: str = "colin@example.gov.uk") -> User:
    return factories.make_user(email, full_name="Colin Coordinator", roles=(Role.FGC_COORDINATOR,))


def allocated(family: Family, referrer: User, to: User, **extra: Any) -> Referral:
    referral = make_referral(family=family, referred_by=referrer, **extra)
    return referrals.allocate(referral=referral, coordinator=to, by=referrer)


class Slot(TypedDict):
    start: dt.datetime
    end: dt.datetime
    information_sharing_ends_at: dt.datetime


def slot(days: int = 10, hour: int = 10, hours: int = 3) -> Slot:
    day = timezone.localdate() + dt.timedelta(days=days)
    start = local_datetime(day, dt.time(hour, 0))
    return {
        "start": start,
        "end": start + dt.timedelta(hours=hours),
        "information_sharing_ends_at": start + dt.timedelta(hours=1),
    }


def book(referral: Referral, venue: Venue, **times: Any) -> Conference:
    assert referral.coordinator is not None
    return booking.book(referral=referral, by=referral.coordinator, venue=venue, **(times or slot()))
