"""The recruitment demo: volunteers in every stage, the demo volunteer approved with a portal account; idempotent."""

from __future__ import annotations

import pytest

from accounts.demo import build_demo_people
from families.demo import build_demo_borough
from volunteers.demo.recruitment import build
from volunteers.models import RoleApplication, Stage, Volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_stage_and_can_run_twice() -> None:
    build_demo_people()
    build_demo_borough()
    assert build()
    assert set(RoleApplication.objects.values_list("stage", flat=True)) == set(Stage.values)
    jo = Volunteer.objects.get(email="volunteer@kinfolk.test")
    assert jo.user is not None and jo.applications.get().stage == Stage.APPROVED
    count = RoleApplication.objects.count()
    assert build() == []
    assert RoleApplication.objects.count() == count
