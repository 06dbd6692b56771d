"""FGC records for tests: a referral written directly (plain data); later steps go through fgc's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.models import User
from families.models import Family
from fgc.models import Referral, ReferralReason, Venue


def make_referral(*, family: Family, referred_by: User, **extra: Any) -> Referral:
    fields: dict[str, Any] = {
        "reason": ReferralReason.ICPC,
        "key_date": timezone.localdate() + dt.timedelta(days=30),
        "key_date_kind": "icpc",
        "consent_given_by": "Mother",
        "consent_given_on": timezone.localdate(),
        "bottom_lines": "The children are not left alone with their father.",
    }
    fields.update(extra)
    referral = Referral(family=family, referred_by=referred_by, **fields)
    referral.full_clean()
    referral.save()
    referral.children.set(family.children.all())
    return referral


def make_venue(name: str = "Civic Centre, Room 2") -> Venue:
    return Venue.objects.create(name=name, address="1 Civic Way")
