"""Booking pages: the form and availability, the key-date warning, letters as PDFs, venues."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from core.models import AuditAction, AuditEvent
from diary import services as diary
from diary.models import MeetingKind
from families.models import Family
from fgc.models import Conference, InvitationStatus, NetworkMember, ReferralStatus, Venue
from tests.fgc.booking_helpers import allocated, book, coordinator, slot
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.django_db


def _form(day: dt.date, venue: Venue, **extra: str) -> dict[str, str]:
    return {
        "day": day.strftime("%d/%m/%Y"),
        "start_time": "10:00",
        "sharing_end_time": "11:00",
        "end_time": "13:30",
        "venue": str(venue.pk),
        "professionals": "",
        **extra,
    }


def test_the_coordinator_books_from_the_referral_page_and_is_warned_after_the_key_date(
    alice, fern, gina, north_family, client_for
) -> None:
    referral = allocated(north_family, alice, fern, key_date=timezone.localdate() + dt.timedelta(days=5))
    room = make_venue()
    client = client_for(fern)
    page = client.get(reverse("fgc:referral_detail", kwargs={"pk": referral.pk}))
    assert reverse("fgc:booking", kwargs={"pk": referral.pk}) in page.content.decode()
    url = reverse("fgc:booking", kwargs={"pk": referral.pk})
    late = timezone.localdate() + dt.timedelta(days=8)
    response = client.post(url, _form(late, room, professionals=gina.email), follow=True)
    text = response.content.decode()
    assert "Conference booked" in text
    assert "after the date it should precede" in text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED
    conference = Conference.objects.get(referral=referral)
    assert list(conference.professionals.all()) == [gina]
    assert timezone.localtime(conference.information_sharing_ends_at).time() == dt.time(11, 0)
    assert "After the" in client.get(reverse("fgc:referral_detail", kwargs={"pk": referral.pk})).content.decode()


def test_an_unknown_professional_or_a_clash_is_shown_on_the_form(alice, fern, north_family, client_for) -> None:
    room = make_venue()
    book(allocated(north_family, alice, coordinator()), room, **slot(days=9))
    referral = allocated(north_family, alice, fern)
    url = reverse("fgc:booking", kwargs={"pk": referral.pk})
    day = timezone.localdate() + dt.timedelta(days=9)
    client = client_for(fern)
    response = client.post(url, _form(day, room, professionals="nobody@example.gov.uk"))
    assert "No Kinfolk user has the email address nobody@example.gov.uk" in response.content.decode()
    response = client.post(url, _form(day, room))
    assert "The venue is already booked at that time" in response.content.decode()
    assert not Conference.objects.filter(referral=referral).exists()


def test_the_page_shows_the_coordinators_diary_and_bookings_and_each_venues_around_the_day(
    alice, fern, north_family, client_for
) -> None:
    room, hall = make_venue("Room A"), make_venue("Hall B")
    mine = book(allocated(north_family, alice, fern), room, **slot(days=10, hour=9))
    book(allocated(north_family, alice, coordinator()), hall, **slot(days=11, hour=14))
    day = timezone.localdate() + dt.timedelta(days=9)
    diary.schedule_meeting(
        kind=MeetingKind.EVENT,
        title="Team meeting",
        organiser=fern,
        start=local_datetime(day, dt.time(15, 0)),
        end=local_datetime(day, dt.time(16, 0)),
        link_path="/",
    )
    referral = allocated(north_family, alice, fern)
    response = client_for(fern).get(reverse("fgc:booking", kwargs={"pk": referral.pk}) + f"?around={day:%Y-%m-%d}")
    text: str = response.content.decode()
    rows: dict[str, str] = {
        re.sub("<[^>]+>", "", "<" + row.split("</th>")[0]).strip(): row for row in text.split("<tr")[1:]
    }

    def row(offset: int) -> str:
        when = timezone.localdate() + dt.timedelta(days=offset)
        return rows[f"{when:%a} {when.day} {when:%b}"]

    # Columns: the day, the coordinator, then the venues by name (Hall B, Room A).
    cells = row(10).split("<td")
    assert f"09:00–12:00 Conference {mine.referral.reference}" in cells[1]
    assert f"09:00–12:00 Conference {mine.referral.reference}" in cells[3]
    assert "15:00–16:00 Diary meeting" in row(9).split("<td")[1]
    assert "14:00–17:00 Booked" in row(11).split("<td")[2]  # another coordinator's conference: no reference
    assert "Free" in row(12)
    assert "Team meeting" not in text


def _add_conferences(alice: User, north_family: Family, how_many: int, tag: str) -> None:
    for n in range(how_many):
        colin = coordinator(f"c{tag}-{n}@example.gov.uk")
        book(allocated(north_family, alice, colin), make_venue(f"Room {tag}-{n}"), **slot(days=10 + n % 3))


def test_the_booking_page_uses_the_same_number_of_queries_however_busy_the_week(
    alice, fern, north_family, client_for
) -> None:
    referral = allocated(north_family, alice, fern)
    url = (
        reverse("fgc:booking", kwargs={"pk": referral.pk})
        + f"?around={timezone.localdate() + dt.timedelta(days=11):%Y-%m-%d}"
    )
    client = client_for(fern)
    _add_conferences(alice, north_family, 1, "a")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_conferences(alice, north_family, 6, "b")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count(" Booked") == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_letter_is_a_pdf_for_one_member_marked_on_every_page_and_audited(
    alice, fern, mo, north_family, client_for
) -> None:
    referral = allocated(north_family, alice, fern)
    conference = book(referral, make_venue("Civic Centre, Room 2"))
    gran = NetworkMember.objects.create(
        referral=referral, name="Gwen Grandmother", relationship="Grandmother", address="12 Oak Lane\nNorthtown NT1 1AA"
    )
    emailed = NetworkMember.objects.create(
        referral=referral, name="Ed Uncle", relationship="Uncle", email="ed@example.com"
    )
    kept_away = NetworkMember.objects.create(
        referral=referral,
        name="Not Invited",
        relationship="Father",
        invitation_status=InvitationStatus.NOT_INVITED,
        safety_note="A risk to the children's mother.",
    )
    page = client_for(fern).get(reverse("fgc:booking", kwargs={"pk": referral.pk})).content.decode()
    assert "Letter for Gwen Grandmother" in page
    assert "Letter for Ed Uncle" not in page and "Letter for Not Invited" not in page
    url = reverse("fgc:invitation_letter", kwargs={"pk": referral.pk, "member_pk": gran.pk})
    response = client_for(alice).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "Gwen" not in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Dear Gwen Grandmother" in text
    assert "12 Oak Lane" in text
    assert timezone.localtime(conference.start).strftime("%A %-d %B %Y") in text
    assert "Civic Centre, Room 2" in text
    assert referral.reference in text
    assert all(settings.PROTECTIVE_MARKING in page.extract_text() for page in reader.pages)
    children = [c.first_name for c in north_family.children.all()]
    assert not any(name in text for name in children)
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(gran.pk)).exists()
    # The family's manager sees the referral but not the network; nobody gets a letter for someone kept away.
    assert client_for(mo).get(url).status_code == 404
    kept = reverse("fgc:invitation_letter", kwargs={"pk": referral.pk, "member_pk": kept_away.pk})
    assert client_for(fern).get(kept).status_code == 404
    assert emailed.pk


def test_the_fgc_manager_adds_and_retires_venues_and_a_retired_one_is_not_offered(
    fay, alice, fern, north_family, client_for
) -> None:
    client = client_for(fay)
    response = client.post(
        reverse("fgc:venue_list"),
        {"name": "Family Centre", "address": "2 Park Road", "capacity": "15", "accessible": "on"},
        follow=True,
    )
    assert "Family Centre added" in response.content.decode()
    venue = Venue.objects.get(name="Family Centre")
    client.post(reverse("fgc:venue_active", kwargs={"pk": venue.pk}), {"active": "0"})
    venue.refresh_from_db()
    assert not venue.active
    referral = allocated(north_family, alice, fern)
    page = client_for(fern).get(reverse("fgc:booking", kwargs={"pk": referral.pk})).content.decode()
    assert "Family Centre" not in page
