"""The review conference's pages: where it stands, moving or cancelling it on the booking page, and its letters."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from core.models import AuditAction, AuditEvent
from diary.workdays import add_working_days
from families.models import Family
from fgc.models import Conference, ConferenceKind, ConferenceStatus, NetworkMember, Referral, ReferralStatus
from fgc.services import booking, review
from tests.fgc.booking_helpers import allocated
from tests.fgc.conference_helpers import booked_conference, record, record_form
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(north_family: Family, alice: User, fern: User) -> Conference:
    return booked_conference(family=north_family, referrer=alice, coordinator=fern)


def _booking_form(day: dt.date, venue_pk: int, **extra: str) -> dict[str, str]:
    return {
        "day": day.strftime("%d/%m/%Y"),
        "start_time": "14:00",
        "sharing_end_time": "15:00",
        "end_time": "17:00",
        "venue": str(venue_pk),
        "professionals": "",
        **extra,
    }


def _review(conference: Conference) -> Conference:
    found = booking.current_review(conference.referral)
    assert found is not None
    return found


def test_recording_the_conference_says_when_the_review_is_booked_and_the_pages_show_it(
    client_for, conference, fern
) -> None:
    client = client_for(fern)
    response = client.post(reverse("fgc:conference_record", kwargs={"pk": conference.pk}), record_form(conference))
    booked = _review(conference)
    when = f"{timezone.localtime(booked.start):%A %-d %B %Y, %H:%M}"
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"The review conference is booked for {when}, and everyone invited has been told." in said
    page = client.get(reverse("fgc:conference_detail", kwargs={"pk": conference.pk})).content.decode()
    assert f"Booked for {timezone.localtime(booked.start):%A %-d %B %Y, %H:%M}" in page
    assert reverse("fgc:conference_detail", kwargs={"pk": booked.pk}) in page
    assert reverse("fgc:review_booking", kwargs={"pk": conference.referral_id}) in page
    referral_page = client.get(reverse("fgc:referral_detail", kwargs={"pk": conference.referral_id})).content.decode()
    assert "The review conference" in referral_page and "Move or cancel the review conference" in referral_page
    # The review's own page leads to the plan it reviews; recording it is recording progress on that plan.
    own = client.get(reverse("fgc:conference_detail", kwargs={"pk": booked.pk})).content.decode()
    assert "Review conference" in own and reverse("fgc:review_record", kwargs={"pk": conference.pk}) in own
    assert reverse("fgc:conference_record", kwargs={"pk": booked.pk}) not in own
    record_url = reverse("fgc:conference_record", kwargs={"pk": booked.pk})
    assert client.get(record_url)["Location"] == reverse("fgc:review_record", kwargs={"pk": conference.pk})


def test_recording_the_conference_warns_when_the_review_had_to_move_to_a_free_day(
    client_for, conference, alice, fern, north_family
) -> None:
    wanted = review.first_review_day(conference)
    taken = review.review_slot(conference, wanted)
    booking.book(referral=allocated(north_family, alice, fern), by=fern, venue=make_venue("Room X"), **taken.times())
    response = client_for(fern).post(
        reverse("fgc:conference_record", kwargs={"pk": conference.pk}), record_form(conference)
    )
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert f"on {wanted:%A %-d %B %Y}, the day proposed, the coordinator or the venue already had" in said
    assert timezone.localtime(_review(conference).start).date() == add_working_days(wanted, 1)


def test_the_coordinator_moves_the_review_on_its_booking_page_and_a_clash_is_refused(
    client_for, conference, alice, fern, north_family
) -> None:
    record(conference, by=fern)
    booked = _review(conference)
    url = reverse("fgc:review_booking", kwargs={"pk": conference.referral_id})
    client = client_for(fern)
    page = client.get(url).content.decode()
    assert "Move the review conference" in page
    assert f"Review conference {conference.referral.reference}" in page  # in the availability, around its day
    day = timezone.localtime(booked.start).date() + dt.timedelta(days=7)
    other = booking.book(
        referral=allocated(north_family, alice, fern),
        by=fern,
        venue=make_venue("Room X"),
        start=local_datetime(day, dt.time(15, 0)),
        end=local_datetime(day, dt.time(18, 0)),
        information_sharing_ends_at=local_datetime(day, dt.time(16, 0)),
    )
    refused = client.post(url, _booking_form(day, booked.venue_id)).content.decode()
    assert "The coordinator already has a conference booked at that time" in refused
    booked.refresh_from_db()
    assert timezone.localtime(booked.start).date() != day and other.status == ConferenceStatus.BOOKED
    response = client.post(url, _booking_form(day + dt.timedelta(days=1), booked.venue_id), follow=True)
    assert "Review conference booked for" in response.content.decode()
    booked.refresh_from_db()
    assert booked.start == local_datetime(day + dt.timedelta(days=1), dt.time(14, 0))
    assert booked.kind == ConferenceKind.REVIEW and Conference.objects.filter(kind=ConferenceKind.REVIEW).count() == 1


def test_a_cancelled_review_is_booked_again_from_the_proposed_slot(client_for, conference, fern) -> None:
    plan = record(conference, by=fern)
    booked = _review(conference)
    client = client_for(fern)
    cancel_url = reverse("fgc:review_booking_cancel", kwargs={"pk": conference.referral_id})
    assert "Cancel the review conference" in client.get(cancel_url).content.decode()
    client.post(cancel_url, {"reason": "The family asked for another day."})
    booked.refresh_from_db()
    assert booked.status == ConferenceStatus.CANCELLED
    assert Referral.objects.get(pk=conference.referral_id).status == ReferralStatus.HELD
    url = reverse("fgc:review_booking", kwargs={"pk": conference.referral_id})
    page = client.get(url).content.decode()
    proposed = review.proposed_slot(plan)
    assert "Book the review conference" in page
    assert f'value="{timezone.localtime(proposed.start):%Y-%m-%d}"' in page
    assert client.get(cancel_url).status_code == 404  # nothing booked to cancel
    day = timezone.localtime(proposed.start).date()
    assert client.post(url, _booking_form(day, conference.venue_id)).status_code == 302
    assert _review(conference).pk != booked.pk


def test_the_review_cannot_be_booked_before_the_conference_is_held(client_for, alice, fern, north_family) -> None:
    referral = allocated(north_family, alice, fern)
    response = client_for(fern).get(reverse("fgc:review_booking", kwargs={"pk": referral.pk}), follow=True)
    assert "a review conference cannot be booked now" in response.content.decode()
    assert not Conference.objects.exists()


def test_the_review_letter_invites_a_member_without_email_to_the_review(
    client_for, conference, alice, fern, mo
) -> None:
    record(conference, by=fern)
    booked = _review(conference)
    gran = NetworkMember.objects.create(
        referral=conference.referral, name="Gwen Grandmother", relationship="Grandmother", address="12 Oak Lane"
    )
    page = client_for(fern).get(reverse("fgc:review_booking", kwargs={"pk": conference.referral_id})).content.decode()
    url = reverse("fgc:review_invitation_letter", kwargs={"pk": conference.referral_id, "member_pk": gran.pk})
    assert url in page and "Letter for Gwen Grandmother" in page
    response = client_for(alice).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Invitation to a review Family Group Conference" in text and "Dear Gwen Grandmother" in text
    assert timezone.localtime(booked.start).strftime("%A %-d %B %Y") in text
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(gran.pk)).exists()
    assert client_for(mo).get(url).status_code == 404
    # The first conference's letter is no longer offered: that conference has been held.
    first = reverse("fgc:invitation_letter", kwargs={"pk": conference.referral_id, "member_pk": gran.pk})
    assert client_for(fern).get(first).status_code == 404
