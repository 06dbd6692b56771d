"""The conference pages: recording through the form, reading the plan, and the audited secure downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from families.models import Family
from fgc.models import Conference, ConferenceStatus, FamilyPlan
from fgc.tasks import render_and_circulate_plan
from tests.fgc.conference_helpers import booked_conference, record, record_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(north_family: Family, alice: User, fern: User) -> Conference:
    return booked_conference(family=north_family, referrer=alice, coordinator=fern)


def test_the_coordinator_records_the_conference_through_the_form(client_for, conference, fern) -> None:
    client = client_for(fern)
    response = client.post(reverse("fgc:conference_record", kwargs={"pk": conference.pk}), record_form(conference))
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert timezone.localtime(conference.family_time_started_at).strftime("%H:%M") == "10:45"
    page = client.get(response["Location"]).content.decode()
    assert "Grandma Rose has the children after school" in page
    assert "Not yet: the plan is being prepared" in page


def test_an_error_shows_on_its_field_and_nothing_is_saved(client_for, conference, fern) -> None:
    response = client_for(fern).post(
        reverse("fgc:conference_record", kwargs={"pk": conference.pk}),
        record_form(conference, family_time="09:00", referrer_decision="not_agreed"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Each stage must start after the one before it." in page
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.BOOKED and not FamilyPlan.objects.exists()


def test_the_plan_download_is_audited_and_refused_to_who_took_no_part(
    client_for, conference, fern, alice, bob, mo
) -> None:
    plan = record(conference, by=fern)
    render_and_circulate_plan(plan.pk)
    url = reverse("fgc:plan_pdf", kwargs={"pk": conference.pk})
    response = client_for(alice).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        actor_id=alice.pk, object_type="fgc.FamilyPlan", object_id=str(plan.pk), action="view"
    ).exists()
    assert client_for(bob).get(url).status_code == 404
    # mo manages the family's team but took no part: the plan is not his to read.
    assert client_for(mo).get(url).status_code == 404
    assert client_for(alice).get(reverse("fgc:plan_letters", kwargs={"pk": conference.pk})).status_code == 404
    assert client_for(fern).get(reverse("fgc:plan_letters", kwargs={"pk": conference.pk})).status_code == 200


def test_the_fgc_manager_may_read_and_record(client_for, conference, fay) -> None:
    client = client_for(fay)
    assert client.get(reverse("fgc:conference_record", kwargs={"pk": conference.pk})).status_code == 200
    page = client.get(reverse("fgc:referral_detail", kwargs={"pk": conference.referral_id})).content.decode()
    assert reverse("fgc:conference_detail", kwargs={"pk": conference.pk}) in page


def test_a_conference_is_recorded_only_once_it_has_started(client_for, conference, fern) -> None:
    tomorrow = timezone.now() + dt.timedelta(days=1)
    Conference.objects.filter(pk=conference.pk).update(start=tomorrow, end=tomorrow + dt.timedelta(hours=3))
    conference.refresh_from_db()
    client = client_for(fern)
    detail_url = reverse("fgc:conference_detail", kwargs={"pk": conference.pk})
    record_url = reverse("fgc:conference_record", kwargs={"pk": conference.pk})
    assert client.get(record_url)["Location"] == detail_url
    page = client.get(detail_url).content.decode()
    assert "The conference has not started yet" in page and record_url not in page
    with pytest.raises(ValidationError, match="has not started yet"):
        record(conference, by=fern)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.BOOKED and not FamilyPlan.objects.exists()
