"""The referral pages as the practitioner, the FGC manager and the coordinator use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from fgc.models import Referral, ReferralStatus
from fgc.services import referrals as services
from tests.fgc.factories import make_referral

pytestmark = pytest.mark.django_db


def _form(family, **overrides):
    children = [str(c.pk) for c in family.children.all()]
    data = {
        "children": children,
        "reason": "icpc",
        "key_date": (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y"),
        "key_date_kind": "icpc",
        "urgency": "routine",
        "consent_given_by": "Mother",
        "consent_given_on": timezone.localdate().strftime("%d/%m/%Y"),
        "bottom_lines": "Father does not live at the home.",
    }
    data.update(overrides)
    return data


def test_a_practitioner_finds_their_family_and_refers_it(client_for, alice, north_family) -> None:
    client = client_for(alice)
    page = client.get(reverse("fgc:referral_choose_family"))
    assert north_family.case_reference in page.content.decode()
    response = client.post(reverse("fgc:referral_create", args=[north_family.pk]), _form(north_family))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fgc:referral_detail", args=[referral.pk])
    assert referral.children.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "number 1 on the waiting list" in page


def test_a_referral_with_missing_answers_says_what_to_do_and_saves_nothing(client_for, alice, north_family) -> None:
    response = client_for(alice).post(
        reverse("fgc:referral_create", args=[north_family.pk]),
        _form(north_family, children=[], consent_given_by="", bottom_lines=""),
    )
    body = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Select the children the conference is about.",
        "Enter who gave consent to the referral.",
        "Enter the bottom lines the family&#x27;s plan must meet.",
    ):
        assert message in body
    assert not Referral.objects.exists()


def test_a_consent_date_in_the_future_is_refused(client_for, alice, north_family) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client_for(alice).post(
        reverse("fgc:referral_create", args=[north_family.pk]), _form(north_family, consent_given_on=tomorrow)
    )
    assert "must be today or earlier" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_fgc_manager_accepts_and_allocates_seeing_caseloads(client_for, alice, fay, fern, north_family) -> None:
    referral = make_referral(family=north_family, referred_by=alice)
    client = client_for(fay)
    assert "At risk of missing their date" in client.get(reverse("fgc:referral_list")).content.decode()
    client.post(reverse("fgc:referral_accept", args=[referral.pk]))
    page = client.get(reverse("fgc:referral_allocate", args=[referral.pk])).content.decode()
    assert "Open referrals" in page and fern.full_name in page
    assert alice.full_name not in page.split("<form")[1]  # the referrer is not offered
    response = client.post(reverse("fgc:referral_allocate", args=[referral.pk]), {"coordinator": fern.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.coordinator == fern and referral.status == ReferralStatus.ALLOCATED


def test_declining_needs_a_reason(client_for, alice, fay, north_family) -> None:
    referral = make_referral(family=north_family, referred_by=alice)
    response = client_for(fay).post(reverse("fgc:referral_decline", args=[referral.pk]), {"reason": ""})
    assert "Enter the reason." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_the_coordinator_records_contact_and_diarises_the_first_meeting(
    client_for, alice, fay, fern, north_family
) -> None:
    referral = services.allocate(
        referral=make_referral(family=north_family, referred_by=alice), coordinator=fern, by=fay
    )
    client = client_for(fern)
    assert (
        "I have contacted the referrer"
        in client.get(reverse("fgc:referral_detail", args=[referral.pk])).content.decode()
    )
    client.post(reverse("fgc:referral_contacted", args=[referral.pk]))
    day = timezone.localdate() + dt.timedelta(days=7)
    bad = client.post(
        reverse("fgc:referral_baseline", args=[referral.pk]),
        {"day": day.strftime("%d/%m/%Y"), "start_time": "11:00", "end_time": "10:00"},
    )
    assert "The end time must be after the start time." in bad.content.decode()
    client.post(
        reverse("fgc:referral_baseline", args=[referral.pk]),
        {"day": day.strftime("%d/%m/%Y"), "start_time": "10:00", "end_time": "11:00", "location": "Civic Centre"},
    )
    referral.refresh_from_db()
    assert referral.referrer_contacted_at is not None
    assert referral.baseline_meeting is not None and referral.status == ReferralStatus.PREPARING


def test_every_view_of_a_referral_is_audited(client_for, alice, north_family) -> None:
    referral = make_referral(family=north_family, referred_by=alice)
    client_for(alice).get(reverse("fgc:referral_detail", args=[referral.pk]))
    assert AuditEvent.objects.filter(action="view", object_id=str(referral.pk), actor=alice).exists()


def test_the_manager_home_page_lists_referrals_at_risk(client_for, alice, fay, north_family) -> None:
    soon = make_referral(family=north_family, referred_by=alice, key_date=timezone.localdate() + dt.timedelta(days=2))
    page = client_for(fay).get(reverse("core:home")).content.decode()
    assert soon.reference in page
    assert "waiting for a coordinator" in page
