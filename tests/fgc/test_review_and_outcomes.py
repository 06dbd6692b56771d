"""The review FGC diarised about three months on, progress on the plan, and each child's outcomes when due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from diary.models import MeetingStatus
from diary.workdays import is_working_day
from families.models import Family
from fgc.models import Conference, FamilyPlan, Living, Referral, ReferralStatus
from fgc.services import review
from outbox.models import OutboxMessage
from tests.fgc.conference_helpers import booked_conference, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(north_family: Family, alice: User, fern: User) -> Conference:
    return booked_conference(family=north_family, referrer=alice, coordinator=fern)


def test_the_review_is_diarised_about_three_months_on_with_invites_and_reminders(conference, fern, alice) -> None:
    plan = record(conference, by=fern)
    meeting = plan.review_meeting
    assert meeting is not None and meeting.status == MeetingStatus.SCHEDULED
    days = (timezone.localtime(meeting.start).date() - timezone.localtime(conference.start).date()).days
    assert 91 <= days <= 95 and is_working_day(timezone.localtime(meeting.start).date())
    assert {a.user for a in meeting.attendees.all()} >= {fern, alice}
    assert conference.referral.reference in meeting.title and "Grandma" not in meeting.title
    invites = OutboxMessage.objects.filter(to=[alice.email]).exclude(calendar="")
    assert invites.exists()
    assert meeting.reminders.count() >= 2  # a week before and the day before, for each attendee


def test_the_review_weeks_are_configurable(conference, fern, settings) -> None:
    settings.FGC_REVIEW_WEEKS = 4
    plan = record(conference, by=fern)
    assert plan.review_meeting is not None
    days = (timezone.localtime(plan.review_meeting.start).date() - timezone.localtime(conference.start).date()).days
    assert 28 <= days <= 32


def test_progress_is_recorded_per_item_and_the_referral_moves_to_review(conference, fern) -> None:
    plan = record(conference, by=fern)
    items = list(plan.items.order_by("pk"))
    with pytest.raises(ValidationError):
        review.record_review(plan=plan, by=fern, progress={})
    review.record_review(plan=plan, by=fern, progress={items[0].pk: "Done every day", items[1].pk: "Started"})
    assert [i.progress for i in plan.items.order_by("pk")] == ["Done every day", "Started"]
    assert Referral.objects.get(pk=conference.referral_id).status == ReferralStatus.REVIEW
    plan.refresh_from_db()
    assert plan.review_meeting is not None
    assert plan.reviewed_at is not None and plan.review_meeting.status == MeetingStatus.CANCELLED


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
