"""The review conference booked about three months on, progress on the plan, and each child's outcomes when due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from diary.models import MeetingKind, MeetingStatus
from diary.workdays import is_working_day
from families.models import Family
from fgc.models import Conference, ConferenceKind, ConferenceStatus, FamilyPlan, Living, Referral, ReferralStatus
from fgc.services import booking, review
from outbox.models import OutboxMessage
from tests.fgc.booking_helpers import slot
from tests.fgc.conference_helpers import booked_conference, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(north_family: Family, alice: User, fern: User) -> Conference:
    return booked_conference(family=north_family, referrer=alice, coordinator=fern)


def test_the_review_is_booked_as_a_review_conference_about_three_months_on(conference, fern, alice) -> None:
    plan = record(conference, by=fern)
    booked = booking.current_review(conference.referral)
    assert booked is not None and booked.kind == ConferenceKind.REVIEW and booked.status == ConferenceStatus.BOOKED
    held_on, review_on = (timezone.localtime(c.start) for c in (conference, booked))
    assert 91 <= (review_on.date() - held_on.date()).days <= 95 and is_working_day(review_on.date())
    # The first conference's time, length and venue; the same coordinator.
    assert review_on.time() == held_on.time() and booked.end - booked.start == conference.end - conference.start
    assert (booked.venue, booked.coordinator) == (conference.venue, fern)
    meeting = booked.meeting
    assert meeting is not None and meeting.status == MeetingStatus.SCHEDULED
    assert meeting.kind == MeetingKind.REVIEW_FGC
    assert (meeting.start, meeting.end) == (booked.start, booked.information_sharing_ends_at)
    assert {a.user for a in meeting.attendees.all()} >= {fern, alice}
    assert conference.referral.reference in meeting.title and "Grandma" not in meeting.title
    invites = OutboxMessage.objects.filter(to=[alice.email]).exclude(calendar="")
    assert invites.exists()
    assert meeting.reminders.count() >= 2  # a week before and the day before, for each attendee
    assert Referral.objects.get(pk=conference.referral_id).status == ReferralStatus.HELD
    assert review.review_booking_state(plan).moved is False
    # Booked on the day proposed: nobody needs telling.
    assert not OutboxMessage.objects.filter(idempotency_key__startswith="fgc:review-proposed:").exists()


def test_the_review_weeks_are_configurable(conference, fern, settings) -> None:
    settings.FGC_REVIEW_WEEKS = 4
    record(conference, by=fern)
    booked = booking.current_review(conference.referral)
    assert booked is not None
    days = (timezone.localtime(booked.start).date() - timezone.localtime(conference.start).date()).days
    assert 28 <= days <= 32


def test_progress_is_recorded_per_item_and_the_referral_moves_to_review(conference, fern) -> None:
    plan = record(conference, by=fern)
    items = list(plan.items.order_by("pk"))
    with pytest.raises(ValidationError):
        review.record_review(plan=plan, by=fern, progress={})
    booked = booking.current_review(conference.referral)
    assert booked is not None and booked.meeting is not None
    review.record_review(plan=plan, by=fern, progress={items[0].pk: "Done every day", items[1].pk: "Started"})
    assert [i.progress for i in plan.items.order_by("pk")] == ["Done every day", "Started"]
    assert Referral.objects.get(pk=conference.referral_id).status == ReferralStatus.REVIEW
    plan.refresh_from_db()
    booked.refresh_from_db()
    booked.meeting.refresh_from_db()
    # Reviewed before the booked review's day: the booking is cancelled, freeing the coordinator and the room.
    assert plan.reviewed_at is not None and booked.status == ConferenceStatus.CANCELLED
    assert booked.meeting.status == MeetingStatus.CANCELLED
    with pytest.raises(ValidationError):  # reviewed: no second review to book
        booking.book(referral=conference.referral, by=fern, venue=booked.venue, kind=ConferenceKind.REVIEW, **slot())


def test_progress_recorded_once_the_review_has_met_marks_it_held(conference, fern) -> None:
    plan = record(conference, by=fern)
    booked = booking.current_review(conference.referral)
    assert booked is not None
    met = timezone.now() - dt.timedelta(hours=1)
    Conference.objects.filter(pk=booked.pk).update(
        start=met, end=met + dt.timedelta(hours=3), information_sharing_ends_at=met + dt.timedelta(minutes=45)
    )
    item = plan.items.order_by("pk").first()
    assert item is not None
    review.record_review(plan=plan, by=fern, progress={item.pk: "Going well"})
    booked.refresh_from_db()
    assert booked.status == ConferenceStatus.HELD and booked.kind == ConferenceKind.REVIEW


def test_outcomes_fall_due_at_6_and_12_months_and_prompt_the_coordinator_once(conference, fern) -> None:
    plan = record(conference, by=fern)
    children = list(conference.referral.children.order_by("pk"))
    held_on = timezone.localtime(conference.ended_at).date()
    plans = [FamilyPlan.objects.get(pk=plan.pk)]
    assert review.outcomes_due(plans, today=held_on + dt.timedelta(days=100)) == []
    six = held_on + dt.timedelta(days=190)
    assert {(d.child, d.months_after) for d in review.outcomes_due(plans, today=six)} == {(c, 6) for c in children}
    review.record_outcome(
        referral=conference.referral, child=children[0], months_after=6, living=Living.AT_HOME, by=fern
    )
    due = review.outcomes_due([FamilyPlan.objects.get(pk=plan.pk)], today=six)
    assert [(d.child, d.months_after) for d in due] == [(children[1], 6)]
    with pytest.raises(ValidationError):
        review.record_outcome(
            referral=conference.referral, child=children[0], months_after=6, living=Living.OTHER, by=fern
        )
    Conference.objects.filter(pk=conference.pk).update(ended_at=timezone.now() - dt.timedelta(days=200))
    assert review.prompt_outcomes_due() == 1
    review.prompt_outcomes_due()
    prompts = OutboxMessage.objects.filter(idempotency_key__startswith="fgc:outcome-due:")
    assert prompts.count() == 1 and prompts.get().to == [fern.email]
    assert children[1].first_name not in prompts.get().text


def test_the_coordinator_records_review_and_outcome_through_the_pages(client_for, conference, fern, alice) -> None:
    plan = record(conference, by=fern)
    item = plan.items.order_by("pk").first()
    assert item is not None
    client = client_for(fern)
    url = reverse("fgc:review_record", kwargs={"pk": conference.pk})
    assert client.post(url, {f"progress_{item.pk}": "Going well"}).status_code == 302
    child = conference.referral.children.first()
    assert child is not None
    response = client.post(
        reverse("fgc:outcome_record", kwargs={"pk": conference.pk}),
        {"child": child.pk, "months_after": "6", "living": "family_network"},
    )
    assert response.status_code == 302
    page = client.get(reverse("fgc:conference_detail", kwargs={"pk": conference.pk})).content.decode()
    assert "Going well" in page and "Living with the family network" in page
    assert client_for(alice).get(url).status_code == 403
