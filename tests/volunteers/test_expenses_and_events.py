"""Expenses at HMRC rates with receipts, approval and export; events without double-booking."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from diary.models import MeetingKind
from tests import factories
from tests.core.uploads_corpus import eicar_pdf, minimal_pdf
from tests.volunteers.lifecycle_helpers import approve, volunteer_for
from volunteers.models import Event, EventBooking, EventKind, Expense, ExpenseStatus, VolunteerRole
from volunteers.services import events, expenses

pytestmark = pytest.mark.django_db


def test_mileage_is_45p_a_mile_to_10000_then_25p() -> None:
    assert expenses.mileage_amount(miles_before=Decimal(0), miles=Decimal(10)) == Decimal("4.50")
    assert expenses.mileage_amount(miles_before=Decimal(9990), miles=Decimal(20)) == Decimal("7.00")
    assert expenses.mileage_amount(miles_before=Decimal(12000), miles=Decimal(10)) == Decimal("2.50")


def test_the_mileage_threshold_resets_on_6_april(val) -> None:
    me = volunteer_for(val)
    expenses.claim_mileage(
        volunteer=me, incurred_on=dt.date(2025, 4, 5), miles=Decimal(10000), description="Year", by=val
    )
    late = expenses.claim_mileage(
        volunteer=me, incurred_on=dt.date(2025, 4, 5), miles=Decimal(10), description="x", by=val
    )
    fresh = expenses.claim_mileage(
        volunteer=me, incurred_on=dt.date(2025, 4, 6), miles=Decimal(10), description="x", by=val
    )
    assert (late.amount, fresh.amount) == (Decimal("2.50"), Decimal("4.50"))


@pytest.mark.usefixtures("clamd")
def test_a_receipt_is_scanned_stored_approved_and_exported_for_payment_once(val, vic) -> None:
    me = volunteer_for(val)
    claim = expenses.claim_receipt(
        volunteer=me,
        incurred_on=timezone.localdate(),
        amount=Decimal("6.40"),
        description="Bus fares",
        upload=SimpleUploadedFile("bus.pdf", minimal_pdf(), "application/pdf"),
        by=val,
    )
    assert claim.receipt.startswith(f"volunteers/receipts/{me.pk}/") and "bus" not in claim.receipt
    with pytest.raises(ValidationError):
        expenses.claim_receipt(
            volunteer=me,
            incurred_on=timezone.localdate(),
            amount=Decimal("1"),
            description="x",
            upload=SimpleUploadedFile("bad.pdf", eicar_pdf(), "application/pdf"),
            by=val,
        )
    client = factories.login(Client(), vic)
    client.post(reverse("volunteers:expense_decide", kwargs={"pk": claim.pk}), {"approve": "yes"})
    assert Expense.objects.get(pk=claim.pk).status == ExpenseStatus.APPROVED
    response = client.post(reverse("volunteers:expense_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == me.full_name and rows[1][-2] == "6.40"
    assert Expense.objects.get(pk=claim.pk).status == ExpenseStatus.PAID
    assert AuditEvent.objects.filter(action="export", object_type="volunteers.Expense").count() == 1
    again = client.post(reverse("volunteers:expense_export"))
    assert len(list(csv.reader(io.StringIO(again.content.decode())))) == 1  # the header alone
    assert factories.login(Client(), val).post(reverse("volunteers:expense_export")).status_code == 404


def test_a_rejection_needs_a_reason(val, vic) -> None:
    claim = expenses.claim_mileage(
        volunteer=volunteer_for(val), incurred_on=timezone.localdate(), miles=Decimal(3), description="x", by=val
    )
    with pytest.raises(ValidationError):
        expenses.decide_expense(expense=claim, approve=False, by=vic)


def _event(vic: User, *, hours_from: int = 48, title: str = "Council meeting", places: int = 2) -> Event:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours_from)
    return events.create_event(
        kind=EventKind.MEETING,
        title=title,
        start=start,
        end=start + dt.timedelta(hours=2),
        location="Town Hall",
        places=places,
        required_roles=[VolunteerRole.RIGHTS_AND_REPS],
        by=vic,
    )


def test_only_volunteers_approved_for_the_role_sign_up_and_are_invited_through_the_diary(vic) -> None:
    event = _event(vic)
    assert event.meeting is not None and event.meeting.kind == MeetingKind.EVENT
    stranger = volunteer_for()
    with pytest.raises(ValidationError, match="approved"):
        events.sign_up(event=event, volunteer=stranger)
    approved = volunteer_for()
    approve(approved, VolunteerRole.RIGHTS_AND_REPS)
    events.sign_up(event=event, volunteer=approved)
    assert approved.email in event.meeting.attendees.values_list("email", flat=True)


def test_no_volunteer_is_double_booked_and_a_full_event_refuses_more(vic) -> None:
    first = _event(vic, places=1)
    clash = _event(vic, hours_from=49, title="Trip")
    one, two = volunteer_for(), volunteer_for()
    for volunteer in (one, two):
        approve(volunteer, VolunteerRole.RIGHTS_AND_REPS)
    events.sign_up(event=first, volunteer=one)
    with pytest.raises(ValidationError, match="another event"):
        events.sign_up(event=clash, volunteer=one)
    with pytest.raises(ValidationError, match="full"):
        events.sign_up(event=first, volunteer=two)
    events.cancel_booking(booking=EventBooking.objects.get(event=first, volunteer=one))
    events.sign_up(event=clash, volunteer=one)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_at_once_for_overlapping_events_book_one(vic) -> None:
    first, second = _event(vic, places=5), _event(vic, hours_from=49, title="Trip", places=5)
    volunteer = volunteer_for()
    approve(volunteer, VolunteerRole.RIGHTS_AND_REPS)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(event: object) -> None:
        try:
            barrier.wait()
            events.sign_up(event=event, volunteer=volunteer)  # type: ignore[arg-type]
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(e,)) for e in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "refused"]
    assert EventBooking.objects.filter(volunteer=volunteer, cancelled=False).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlapping_bookings_written_around_the_service(vic) -> None:
    from django.db import IntegrityError

    first, second = _event(vic), _event(vic, hours_from=49, title="Trip")
    volunteer = volunteer_for()
    EventBooking.objects.create(event=first, volunteer=volunteer, start=first.start, end=first.end)
    with pytest.raises(IntegrityError):
        EventBooking.objects.create(event=second, volunteer=volunteer, start=second.start, end=second.end)


def test_a_volunteer_who_signs_up_is_reminded_the_working_day_before_through_the_diary(vic) -> None:
    from diary.models import Reminder

    event = _event(vic, hours_from=24 * 10)
    volunteer = volunteer_for()
    approve(volunteer, VolunteerRole.RIGHTS_AND_REPS)
    events.sign_up(event=event, volunteer=volunteer)
    reminders = Reminder.objects.filter(meeting=event.meeting, recipient_email=volunteer.email)
    assert reminders.count() == 1
    assert reminders.get().due_at < event.start
    events.cancel_booking(booking=EventBooking.objects.get(event=event, volunteer=volunteer))
    assert event.meeting is not None
    current = event.meeting.attendees.filter(removed_at__isnull=True)
    assert volunteer.email not in current.values_list("email", flat=True)
    assert not reminders.filter(status="pending").exists()


def test_a_volunteer_whose_approval_lapses_before_the_event_cannot_sign_up(vic) -> None:
    event = _event(vic, hours_from=24 * 10)
    volunteer = volunteer_for()
    approve(volunteer, VolunteerRole.RIGHTS_AND_REPS, until=timezone.localdate())
    with pytest.raises(ValidationError, match="approved"):
        events.sign_up(event=event, volunteer=volunteer)
