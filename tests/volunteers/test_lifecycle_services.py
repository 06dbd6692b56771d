"""A match from proposal to ending, through the lifecycle services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from core.models import AuditEvent
from diary.models import MeetingKind
from families.models import Family
from outbox.models import OutboxMessage
from tests.volunteers.lifecycle_helpers import match_at
from volunteers.models import EndingReason, Match, MatchState, RequestStatus, Review, VolunteerRole
from volunteers.services import lifecycle

pytestmark = pytest.mark.django_db


def test_an_offer_gives_the_volunteer_the_configured_days_and_emails_them_without_names(
    vic, north_family: Family
) -> None:
    with override_settings(KINFOLK_VOLUNTEER_OFFER_DAYS=3):
        match = match_at(MatchState.OFFERED, coordinator=vic, family=north_family)
    assert match.state == MatchState.OFFERED
    assert match.offer_expires_at - match.offered_at == dt.timedelta(days=3)  # type: ignore[operator]
    email = OutboxMessage.objects.get(template="volunteer_offer")
    assert email.to == [match.volunteer.email]
    assert match.request.reference in email.subject
    assert north_family.family_name not in email.text + email.html
    assert AuditEvent.objects.filter(object_type="volunteers.Match", object_id=str(match.pk)).exists()


def test_offers_expire_once_and_the_request_waits_again(vic, north_family: Family) -> None:
    match = match_at(MatchState.OFFERED, coordinator=vic, family=north_family)
    later = timezone.now() + dt.timedelta(days=6)
    assert lifecycle.expire_offers(now=later) == 1
    assert lifecycle.expire_offers(now=later) == 0
    match.refresh_from_db()
    assert match.state == MatchState.EXPIRED
    assert match.request.status == RequestStatus.OPEN
    assert OutboxMessage.objects.filter(template="volunteer_offer_expired").count() == 1


def test_an_expired_offer_cannot_be_accepted(vic, north_family: Family) -> None:
    match = match_at(MatchState.OFFERED, coordinator=vic, family=north_family)
    Match.objects.filter(pk=match.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="expired"):
        lifecycle.accept_offer(match=match, by=vic)


def test_declining_needs_a_reason_and_reopens_the_request(vic, north_family: Family) -> None:
    match = match_at(MatchState.OFFERED, coordinator=vic, family=north_family)
    with pytest.raises(ValidationError):
        lifecycle.decline_offer(match=match, reason="  ", by=vic)
    lifecycle.decline_offer(match=match, reason="Too far to travel", by=vic)
    match.refresh_from_db()
    assert (match.state, match.declined_reason) == (MatchState.DECLINED, "Too far to travel")
    assert match.request.status == RequestStatus.OPEN


def test_acceptance_asks_the_practitioner_to_confirm_and_confirmation_matches_the_request(
    vic, alice, north_family: Family
) -> None:
    match = match_at(MatchState.ACCEPTED, coordinator=vic, family=north_family)
    assert OutboxMessage.objects.get(template="volunteer_match_accepted").to == [alice.email]
    lifecycle.confirm_match(match=match, by=alice)
    match.refresh_from_db()
    assert match.state == MatchState.CONFIRMED
    assert match.request.status == RequestStatus.MATCHED


def test_the_introduction_invites_volunteer_practitioner_and_coordinator_with_the_reference_only(
    vic, alice, north_family: Family
) -> None:
    match = match_at(MatchState.CONFIRMED, coordinator=vic, family=north_family)
    start = timezone.now() + dt.timedelta(days=3)
    lifecycle.arrange_introduction(
        match=match, start=start, end=start + dt.timedelta(hours=1), location="Family hub", by=vic
    )
    match.refresh_from_db()
    assert match.state == MatchState.INTRODUCED
    meeting = match.introduction
    assert meeting is not None and meeting.kind == MeetingKind.INTRODUCTION
    assert meeting.case_references == match.request.reference
    invites = OutboxMessage.objects.filter(calendar_method="REQUEST")
    invited = {address for message in invites for address in message.to}
    assert invited == {match.volunteer.email, alice.email, vic.email}
    for message in invites:
        assert north_family.family_name not in message.subject + message.text + message.calendar


def test_reviews_fall_due_after_six_weeks_then_every_three_months(vic, north_family: Family) -> None:
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, started_days_ago=50)
    started = match.started_on
    assert match.next_review_on == started + dt.timedelta(weeks=6)  # type: ignore[operator]
    review = lifecycle.record_review(
        match=match, held_on=timezone.localdate(), going_well=True, notes="Settling in", by=vic
    )
    assert review.held_on == timezone.localdate()
    match.refresh_from_db()
    assert match.next_review_on == lifecycle.add_months(timezone.localdate(), 3)
    assert Review.objects.filter(match=match, held_on__isnull=True).count() == 1


def test_review_intervals_are_configurable_per_role(vic, north_care_leaver, alice) -> None:
    from tests.volunteers.factories import make_request

    request = make_request(requested_by=alice, care_leaver=north_care_leaver, role=VolunteerRole.CARE_LEAVER_MENTOR)
    with override_settings(KINFOLK_VOLUNTEER_REVIEWS_BY_ROLE={"care_leaver_mentor": (8, 6)}):
        match = match_at(MatchState.ACTIVE, coordinator=vic, request=request)
        assert match.next_review_on == match.started_on + dt.timedelta(weeks=8)  # type: ignore[operator]
        lifecycle.record_review(match=match, held_on=timezone.localdate(), going_well=True, notes="", by=vic)
    match.refresh_from_db()
    assert match.started_on is not None
    assert match.next_review_on == lifecycle.add_months(match.started_on + dt.timedelta(weeks=8), 6)


def test_a_planned_ending_has_a_final_contact_and_closes_the_request(vic, north_family: Family) -> None:
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, started_days_ago=100)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as raised:
        lifecycle.end_match(
            match=match, reason=EndingReason.GOALS_MET, goals_met=True, planned=True, ended_on=today, by=vic
        )
    assert "final_contact_on" in raised.value.message_dict
    lifecycle.end_match(
        match=match,
        reason=EndingReason.GOALS_MET,
        goals_met=True,
        planned=True,
        ended_on=today,
        final_contact_on=today,
        by=vic,
    )
    match.refresh_from_db()
    assert (match.state, match.planned_ending, match.goals_met) == (MatchState.ENDED, True, True)
    assert match.request.status == RequestStatus.CLOSED
    assert "Goals met" in match.request.close_reason


def test_an_unplanned_ending_by_the_volunteer_reopens_the_request_and_records_it_unplanned(
    vic, north_family: Family
) -> None:
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family)
    lifecycle.end_match(
        match=match,
        reason=EndingReason.VOLUNTEER_ENDED,
        goals_met=False,
        planned=False,
        ended_on=timezone.localdate(),
        by=vic,
    )
    match.refresh_from_db()
    assert match.planned_ending is False
    assert match.request.status == RequestStatus.OPEN


def test_a_step_out_of_order_is_refused(vic, north_family: Family) -> None:
    match = match_at(MatchState.PROPOSED, coordinator=vic, family=north_family)
    with pytest.raises(ValidationError):
        lifecycle.confirm_match(match=match, by=vic)
    with pytest.raises(ValidationError):
        lifecycle.start_match(match=match, started_on=timezone.localdate(), by=vic)
