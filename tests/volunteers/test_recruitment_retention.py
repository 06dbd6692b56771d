"""Retention: volunteers who left and closed requests are anonymised after the set period; figures keep counting."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from tests import factories
from tests.volunteers.factories import approve_for_role, make_request, make_volunteer
from volunteers.models import Reference, RequestStatus, RoleApplication, Volunteer, VolunteerRequest, VolunteerRole
from volunteers.models.recruitment import add_months
from volunteers.selectors.recruitment import stage_figures
from volunteers.services import recruitment, retention

pytestmark = pytest.mark.django_db


@pytest.fixture
def left_long_ago(vic) -> Volunteer:
    volunteer = make_volunteer(first_name="Gwen", email="gwen@example.org")
    approve_for_role(volunteer, VolunteerRole.FGC, coordinator=vic)
    recruitment.leave(volunteer=volunteer, reason="Retired", by=vic)
    Volunteer.objects.filter(pk=volunteer.pk).update(left_on=add_months(recruitment.today(), -73))
    return volunteer


@pytest.fixture
def closed_long_ago(alice, north_family) -> VolunteerRequest:
    request = make_request(requested_by=alice, family=north_family, goals="Help Kayden with school runs")
    VolunteerRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.CLOSED, close_reason="Family moved", closed_on=add_months(recruitment.today(), -73)
    )
    return request


def test_the_dry_run_lists_what_would_go_and_changes_nothing(left_long_ago, closed_long_ago, vic) -> None:
    recent = make_volunteer()
    recruitment.leave(volunteer=recent, reason="Busy", by=vic)
    report = retention.candidates()
    assert report.volunteers == [left_long_ago]
    assert report.requests == [closed_long_ago]
    out = io.StringIO()
    call_command("volunteer_retention", stdout=out)
    assert f"volunteer {left_long_ago.pk}" in out.getvalue()
    assert closed_long_ago.reference in out.getvalue()
    assert "Gwen" not in out.getvalue()
    left_long_ago.refresh_from_db()
    assert left_long_ago.first_name == "Gwen"


def test_the_real_run_anonymises_once_audits_and_the_figures_still_count(left_long_ago, closed_long_ago) -> None:
    before = stage_figures(on=recruitment.today())
    assert retention.anonymise_due() == {"volunteers": 1, "requests": 1}
    assert retention.anonymise_due() == {"volunteers": 0, "requests": 0}
    volunteer = Volunteer.objects.get(pk=left_long_ago.pk)
    assert "Gwen" not in f"{volunteer.first_name} {volunteer.last_name} {volunteer.email}"
    assert volunteer.date_of_birth is None and volunteer.anonymised_on == recruitment.today()
    assert not Reference.objects.filter(volunteer=volunteer).exists()
    assert volunteer.dbs_checks.get().certificate_number == ""
    request = VolunteerRequest.objects.get(pk=closed_long_ago.pk)
    assert "Kayden" not in request.goals
    assert RoleApplication.objects.filter(volunteer=volunteer).exists()
    assert stage_figures(on=recruitment.today()) == before
    assert AuditEvent.objects.filter(detail__anonymised=True).count() == 2


def test_the_retention_page_is_for_administrators(client_for, ada, left_long_ago) -> None:
    response = client_for(ada).get(reverse("volunteers:retention_report"))
    assert response.status_code == 200
    assert f"Volunteer {left_long_ago.pk}" in response.content.decode()
    assert AuditEvent.objects.filter(object_type="volunteers.retention").exists()


def test_the_retention_period_is_configurable(settings, left_long_ago) -> None:
    settings.KINFOLK_VOLUNTEER_RETENTION_MONTHS = 120
    assert retention.candidates().volunteers == []
    settings.KINFOLK_VOLUNTEER_RETENTION_MONTHS = 12
    assert retention.candidates(on=recruitment.today() + dt.timedelta(days=1)).volunteers == [left_long_ago]


def test_anonymising_a_volunteer_closes_their_portal_account_but_not_a_staff_members(vic, val, alice) -> None:
    volunteer = make_volunteer(user=val, first_name="Val")
    staff_volunteer = make_volunteer(user=alice, first_name="Alice")
    old = add_months(recruitment.today(), -73)
    for v in (volunteer, staff_volunteer):
        recruitment.leave(volunteer=v, reason="Moved away", by=vic)
    Volunteer.objects.filter(pk__in=[volunteer.pk, staff_volunteer.pk]).update(left_on=old)
    retention.anonymise_due(on=recruitment.today())
    val_now, alice_now = User.objects.get(pk=val.pk), User.objects.get(pk=alice.pk)
    assert not val_now.is_active and "Val" not in val_now.full_name and val.email != val_now.email
    assert not val_now.has_usable_password() and not val_now.groups.exists()
    assert alice_now.is_active and alice_now.email == alice.email  # a practitioner's account is theirs to keep
    assert factories.sign_in(Client(), val).status_code == 200  # the sign-in page again: no way in
