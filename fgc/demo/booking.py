"""Venues and a booked conference (the preparing referral), with a network member who needs a letter."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.workdays import add_working_days
from fgc.models import Conference, NetworkMember, Referral, ReferralStatus, Venue
from fgc.services import booking as services

VENUES = [
    ("Civic Centre, Room 4", "Civic Centre\nMarket Square\nKinfolk KF1 1AA", 12, True),
    ("Oak Tree Family Centre", "14 Oak Tree Road\nKinfolk KF3 2BD", 20, True),
    ("Riverside Library, Meeting Room", "Riverside Walk\nKinfolk KF2 5RL", 8, False),
]


@transaction.atomic
def build() -> list[str]:
    if Conference.objects.exists():
        return []
    users = {u.email: u for u in User.objects.filter(email__endswith="@kinfolk.test")}
    manager = users.get("fgc.manager@kinfolk.test")
    if manager is None:
        return []
    for name, address, capacity, accessible in VENUES:
        if not Venue.objects.filter(name=name).exists():
            services.add_venue(name=name, address=address, capacity=capacity, accessible=accessible, by=manager)
    referral = Referral.objects.filter(status=ReferralStatus.PREPARING, coordinator__isnull=False).first()
    if referral is None or referral.coordinator is None:
        return []
    if not referral.network.exists():
        NetworkMember.objects.create(
            referral=referral,
            name="Margaret Hughes",
            relationship="Maternal grandmother",
            address="7 Willow Close\nKinfolk KF4 3WC",
            phone="01632 960123",
        )
    day = add_working_days(timezone.localdate(), 12)
    start = local_datetime(day, dt.time(10, 0))
    services.book(
        referral=referral,
        by=referral.coordinator,
        venue=Venue.objects.get(name=VENUES[1][0]),
        start=start,
        end=start + dt.timedelta(hours=3, minutes=30),
        information_sharing_ends_at=start + dt.timedelta(hours=1),
    )
    return []
