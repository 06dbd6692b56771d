"""The conference demo: a held conference with its plan and PDFs, its review booked, a package awaiting approval."""

from __future__ import annotations

import pytest

from families.demo import build_demo_borough
from fgc.demo import conference
from fgc.models import ConferenceKind, ConferenceStatus, FamilyPlan, PackageStatus, SupportPackage


@pytest.mark.django_db
def test_the_demo_holds_a_conference_with_a_plan_and_a_package_awaiting_approval_and_can_run_twice() -> None:
    build_demo_borough()
    assert conference.build()
    plan = FamilyPlan.objects.select_related("conference").get()
    assert plan.conference.status == ConferenceStatus.HELD
    assert plan.items.count() == 3 and plan.pdf and plan.letters_pdf and plan.circulated_at
    review = plan.conference.referral.conferences.get(kind=ConferenceKind.REVIEW)
    assert review.status == ConferenceStatus.BOOKED and review.venue == plan.conference.venue
    assert review.meeting is not None and (review.start - plan.conference.start).days >= 91
    assert SupportPackage.objects.get().status == PackageStatus.REQUESTED
    assert conference.build() == []
    assert FamilyPlan.objects.count() == 1
