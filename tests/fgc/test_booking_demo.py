"""The demo has venues and a booked conference, built through the booking service."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from fgc.models import Conference, ConferenceKind, ConferenceStatus, ReferralStatus, Venue


@pytest.mark.usefixtures("clamd")  # the demo uploads a paper, which is scanned
def test_the_demo_books_a_conference_with_invites_and_a_member_needing_a_letter(db) -> None:
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    conference = Conference.objects.get(kind=ConferenceKind.INITIAL, status=ConferenceStatus.BOOKED)
    assert conference.referral.status == ReferralStatus.BOOKED
    assert conference.meeting is not None
    assert conference.referral.network.filter(email="").exists()
    assert Venue.objects.filter(active=True).count() >= 3
