"""The conference demo: a held conference with its plan, PDFs, review diarised and a package awaiting approval."""

from __future__ import annotations

import pytest

from families.demo import build_demo_borough
from fgc.demo import conference
from fgc.models import ConferenceStatus, FamilyPlan, PackageStatus, SupportPackage


@pytest.mark.django_db
def test_the_demo_holds_a_conference_with_a_plan_and_a_package_awaiting_approval_and_can_run_twice() -> None:
    build_demo_borough()
    assert conference.build()
    plan = FamilyPlan.objects.select_related("conference").get()
    assert plan.conference.status == ConferenceStatus.HELD
    assert plan.items.count() == 3 and plan.pdf and plan.letters_pdf and plan.circulated_at
    assert plan.review_meeting is not None
    assert SupportPackage.objects.get().status == PackageStatus.REQUESTED
    assert conference.build() == []
    assert FamilyPlan.objects.count() == 1
