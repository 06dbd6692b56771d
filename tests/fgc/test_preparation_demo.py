"""The demo's preparing referral has a network in every invitation state, a child's views shared and the check made."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from fgc.models import ChildVoice, InvitationStatus, NetworkMember, NoNewNewsCheck, PreparationVisit


@pytest.mark.usefixtures("clamd")  # the whole demo runs, and the GCS demo uploads a paper, which is scanned
def test_the_demo_prepares_a_family_once(db) -> None:
    call_command("demo", stdout=StringIO())
    # The preparing referral (other demos add networks to the booked and held ones).
    referral = NoNewNewsCheck.objects.get().referral
    members = list(referral.network.all())
    assert {m.invitation_status for m in members} == set(InvitationStatus)
    total = NetworkMember.objects.count()
    assert PreparationVisit.objects.filter(referral=referral).count() == 3
    assert ChildVoice.objects.filter(referral=referral, shared_at__isnull=False).exists()
    assert NoNewNewsCheck.objects.filter(referral=referral).exists()
    call_command("demo", stdout=StringIO())
    assert NetworkMember.objects.count() == total
