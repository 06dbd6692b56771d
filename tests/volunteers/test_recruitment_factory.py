"""approve_for_role records every requirement through the services and approves the volunteer."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.volunteers.factories import approve_for_role, make_volunteer
from volunteers.models import Stage, VolunteerRole
from volunteers.models.recruitment import add_months

pytestmark = pytest.mark.django_db


def test_approve_for_role_leaves_the_application_approved_until_the_first_check_lapses(vic) -> None:
    volunteer = make_volunteer()
    application = approve_for_role(volunteer, VolunteerRole.CHILD_AND_FAMILY, coordinator=vic)
    assert application.stage == Stage.APPROVED
    assert application.approved_on is not None
    assert application.approved_until == add_months(application.approved_on, 36) - dt.timedelta(days=1)
    other = approve_for_role(volunteer, VolunteerRole.FGC, coordinator=vic)
    assert other.stage == Stage.APPROVED
