"""The demo holds referrals in every stage, among them one at its review and one closed after its outcomes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fgc.demo.history import HISTORY_FAMILIES
from fgc.models import Conference, ConferenceKind, ConferenceStatus, FamilyPlan, Referral, ReferralStatus
from fgc.services import review


@pytest.mark.usefixtures("clamd")  # the whole demo runs, and the GCS demo uploads a paper, which is scanned
def test_the_demo_has_referrals_in_every_stage_with_a_coherent_history(db) -> None:
    call_command("demo", stdout=StringIO())
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)

    # The stages demo's own (the history demo's past referrals, for the figures, are on families of their own).
    stages = Referral.objects.exclude(family__case_reference__startswith=HISTORY_FAMILIES)
    at_review = stages.get(status=ReferralStatus.REVIEW)
    closed = stages.get(status=ReferralStatus.CLOSED)
    for referral in (at_review, closed):
        conference = referral.conferences.get(kind=ConferenceKind.INITIAL)
        plan = FamilyPlan.objects.get(conference=conference)
        assert plan.pdf and plan.circulated_at and plan.reviewed_at
        assert referral.allocated_at is not None and referral.key_date is not None
        # The review conference met 13 weeks on, at the conference's time and venue; progress recorded as it ended.
        review_conference = referral.conferences.get(kind=ConferenceKind.REVIEW)
        assert review_conference.status == ConferenceStatus.HELD and review_conference.venue == conference.venue
        assert timezone.localtime(review_conference.start).date() == review.review_day(
            timezone.localtime(conference.start).date()
        )
        assert plan.reviewed_at == review_conference.end
        assert referral.received_at < referral.allocated_at < conference.start < plan.reviewed_at < timezone.now()
        assert timezone.localtime(conference.start).date() < referral.key_date
        assert all(item.progress for item in plan.items.all())
    children = closed.children.count()
    assert children and closed.outcomes.filter(months_after=12).count() == children
    assert not at_review.outcomes.exists()
    # Every review booked in the demo is in the future, and no coordinator or venue is booked twice at once.
    booked = Conference.objects.filter(status=ConferenceStatus.BOOKED)
    assert booked.filter(kind=ConferenceKind.REVIEW).exists()
    assert not booked.filter(start__lte=timezone.now()).exists()
    for one in booked:
        clash = booked.exclude(pk=one.pk).filter(start__lt=one.end, end__gt=one.start)
        assert not clash.filter(coordinator=one.coordinator).exists() and not clash.filter(venue=one.venue).exists()
    # Nothing is overdue: the daily prompt has nothing to send about them.
    plans = list(FamilyPlan.objects.filter(conference__referral__in=[at_review, closed]))
    assert review.outcomes_due(plans) == []

    before = {s: Referral.objects.filter(status=s).count() for s in ReferralStatus.values}
    call_command("demo", stdout=StringIO())
    assert {s: Referral.objects.filter(status=s).count() for s in ReferralStatus.values} == before
    assert stages.filter(status__in=[ReferralStatus.REVIEW, ReferralStatus.CLOSED]).count() == 2
    assert Referral.objects.filter(status=ReferralStatus.PREPARING).count() == 1
