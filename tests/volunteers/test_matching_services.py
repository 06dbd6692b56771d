"""Requests and proposals through their services: what is kept, what is refused, who is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from outbox.models import OutboxMessage
from tests import factories
from tests.volunteers.factories import make_request
from tests.volunteers.matching_helpers import approved_volunteer
from volunteers.matching.board import build_board
from volunteers.matching.eligibility import requests_awaiting_match
from volunteers.matching.ranking import rank
from volunteers.models import Declaration, LivedExperience, Match, MatchState, RequestStatus, VolunteerRole
from volunteers.services.matching import propose_match
from volunteers.services.requests import close_request, withdraw_consent
from volunteers.services.requests import make_request as make_request_service

pytestmark = pytest.mark.django_db


def test_proposing_keeps_the_score_its_reasons_and_why_each_other_candidate_was_passed_over(
    alice, vic, north_family
) -> None:
    near = approved_volunteer(locality=north_family.locality, first_name="Near")
    far_locality = factories.make_locality()
    far_locality.latitude += 1  # about 69 miles north
    far_locality.save()
    far = approved_volunteer(locality=far_locality, first_name="Far")
    request = make_request(requested_by=alice, family=north_family)

    match = propose_match(request=request, volunteer=near, by=vic, note="")

    assert match.state == MatchState.PROPOSED
    assert match.proposed_by == vic
    assert sum(line["points"] for line in match.reasons) == match.score
    assert [o["volunteer_id"] for o in match.shortlist] == [far.pk]
    assert match.shortlist[0]["passed_over"].startswith("Scored lower")
    assert sum(line["points"] for line in match.shortlist[0]["reasons"]) == match.shortlist[0]["score"]
    event = AuditEvent.objects.get(object_type="volunteers.Match", object_id=str(match.pk), action="create")
    assert event.detail["rank"] == 1 and event.detail["of"] == 2


def test_choosing_someone_below_the_top_needs_a_note_that_is_kept(alice, vic, north_family) -> None:
    approved_volunteer(locality=north_family.locality, interests=["football"])
    second = approved_volunteer(locality=north_family.locality)
    request = make_request(requested_by=alice, family=north_family, interests=["football"])
    with pytest.raises(ValidationError) as refused:
        propose_match(request=request, volunteer=second, by=vic, note="")
    assert "note" in refused.value.message_dict
    match = propose_match(request=request, volunteer=second, by=vic, note="Met the family at a group already.")
    assert match.approval_note == "Met the family at a group already."
    assert "Scored higher" in match.shortlist[0]["passed_over"]


def test_a_volunteer_with_a_declared_conflict_cannot_be_proposed(alice, vic, north_family) -> None:
    volunteer = approved_volunteer(locality=north_family.locality)
    Declaration.objects.create(volunteer=volunteer, family=north_family, description="Lives next door")
    request = make_request(requested_by=alice, family=north_family)
    with pytest.raises(ValidationError):
        propose_match(request=request, volunteer=volunteer, by=vic, note="Anyway")
    assert not Match.objects.exists()


def test_a_volunteer_whose_approval_lapses_before_the_support_ends_cannot_be_proposed(alice, vic, north_family) -> None:
    today = timezone.localdate()
    volunteer = approved_volunteer(until=today + dt.timedelta(weeks=10))
    request = make_request(requested_by=alice, family=north_family, expected_weeks=26)
    assert len(rank(request)) == 0
    with pytest.raises(ValidationError):
        propose_match(request=request, volunteer=volunteer, by=vic, note="")


def test_care_leaver_mentors_must_be_at_least_the_set_age(alice, vic, north_care_leaver, settings) -> None:
    today = timezone.localdate()
    young = approved_volunteer(VolunteerRole.CARE_LEAVER_MENTOR, date_of_birth=today.replace(year=today.year - 20))
    older = approved_volunteer(VolunteerRole.CARE_LEAVER_MENTOR, date_of_birth=today.replace(year=today.year - 30))
    request = make_request(requested_by=alice, care_leaver=north_care_leaver, role=VolunteerRole.CARE_LEAVER_MENTOR)
    assert {c.volunteer_id for c in rank(request).top(5)} == {older.pk}
    settings.KINFOLK_CARE_LEAVER_MENTOR_MIN_AGE = 19
    assert {c.volunteer_id for c in rank(request).top(5)} == {older.pk, young.pk}


def test_care_experience_and_past_work_with_the_family_raise_the_score_and_say_so(alice, vic, north_family) -> None:
    plain = approved_volunteer(locality=north_family.locality)
    experienced = approved_volunteer(locality=north_family.locality, lived_experience=[LivedExperience.PARENT])
    old = make_request(requested_by=alice, family=north_family, status=RequestStatus.MATCHED)
    Match.objects.create(
        request=old,
        volunteer=plain,
        state=MatchState.ENDED,
        started_on=timezone.localdate(),
        ending_reason="planned",
        planned_ending=True,
    )
    ranking = rank(make_request(requested_by=alice, family=north_family))
    lines = {c.volunteer_id: {line["label"]: line for line in c.lines} for c in ranking.top(2)}
    assert lines[experienced.pk]["Lived experience"]["points"] > 0
    assert lines[plain.pk]["Continuity"]["points"] > 0
    assert "before" in lines[plain.pk]["Continuity"]["detail"]


def test_withdrawing_consent_takes_the_request_off_the_board_and_tells_the_coordinators(
    alice, vic, north_family
) -> None:
    volunteer = approved_volunteer(locality=north_family.locality)
    request = make_request(requested_by=alice, family=north_family)
    other = make_request(requested_by=alice, family=north_family)
    match = propose_match(request=request, volunteer=volunteer, by=vic, note="")

    withdraw_consent(request=request, by=alice)

    match.refresh_from_db()
    assert match.state == MatchState.WITHDRAWN
    assert list(requests_awaiting_match()) == [other]
    assert [r.pk for r in build_board().requests] == [other.pk]
    email = OutboxMessage.objects.get(template="volunteer_consent_withdrawn")
    assert email.to == [vic.email]
    assert request.reference in email.subject
    assert north_family.family_name not in email.text and north_family.case_reference not in email.text
    with pytest.raises(ValidationError):
        withdraw_consent(request=request, by=alice)


def test_a_request_closes_only_with_a_reason(alice, vic, north_family) -> None:
    request = make_request(requested_by=alice, family=north_family)
    with pytest.raises(ValidationError):
        close_request(request=request, by=vic, reason="  ")
    closed = close_request(request=request, by=vic, reason="Family moved away")
    assert closed.status == RequestStatus.CLOSED and closed.closed_on == timezone.localdate()
    assert not requests_awaiting_match().exists()


def test_a_request_names_a_child_of_its_own_family(alice, north, north_family) -> None:
    other = factories.make_family(team=north, practitioner=alice)
    with pytest.raises(ValidationError) as refused:
        make_request_service(
            by=alice,
            role=VolunteerRole.CHILD_AND_FAMILY,
            family=north_family,
            child=other.children.first(),
            goals="Confidence",
            needs_summary="Sam, north of the borough, wants to join a club.",
            consent_given_by="Mother",
            consent_given_on=timezone.localdate(),
        )
    assert "child" in refused.value.message_dict
