"""A volunteer sees their own checks and when each stops counting, in the portal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from tests.volunteers.factories import approve_for_role, make_volunteer
from volunteers.models import VolunteerRole

pytestmark = pytest.mark.django_db


def test_the_portal_lists_each_check_with_its_expiry(val: User, vic: User, client_for: Any) -> None:
    volunteer = make_volunteer(user=val)
    on = dt.date(2026, 1, 15)
    application = approve_for_role(volunteer, VolunteerRole.CHILD_AND_FAMILY, coordinator=vic, on=on)
    page = client_for(val).get(reverse("volunteers:portal")).content.decode()
    assert "Child and Family Ambassador: approved" in page
    assert f"checks valid until {application.approved_until:%-d %B %Y}" in page
    assert "Enhanced DBS" in page and "Does not expire" in page
    # The DBS counts for three years from the day it was recorded.
    assert "14 January 2029" in page or "15 January 2029" in page
