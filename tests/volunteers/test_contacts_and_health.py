"""The contact log, concerns raised in it, nudges when contact lapses, and matches at risk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from families.models import Family
from outbox.models import OutboxMessage
from tests import factories
from tests.volunteers.factories import make_request
from tests.volunteers.lifecycle_helpers import match_at
from volunteers import health
from volunteers.models import Contact, ContactKind, ContactOutcome, Match, MatchState, VolunteerRole
from volunteers.services import contacts

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _log(match: Match, days_ago: int = 0, **extra: Any) -> Contact:
    return contacts.log_contact(
        match=match,
        by=match.volunteer.user or match.proposed_by,  # type: ignore[arg-type]
        occurred_on=TODAY() - dt.timedelta(days=days_ago),
        kind=ContactKind.FACE_TO_FACE,
        minutes=45,
        **extra,
    )


def test_a_concern_emails_the_practitioner_and_the_coordinator_at_once_without_names(
    vic, alice, north_family: Family
) -> None:
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family)
    _log(match, concern=f"{north_family.family_name} children left alone")
    email = OutboxMessage.objects.get(template="volunteer_concern")
    assert set(email.to) == {alice.email, vic.email}
    assert north_family.family_name not in email.subject + email.text + email.html
    assert reverse("volunteers:match_detail", kwargs={"pk": match.pk}) in email.text


def test_a_concern_shows_on_the_home_pages_until_acknowledged(vic, alice, bob, north_family: Family) -> None:
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family)
    contact = _log(match, concern="Bruise on the older child's arm")
    for user in (vic, alice):
        assert "Safeguarding concerns from volunteers" in factories.login(Client(), user).get("/").content.decode()
    assert "Safeguarding concerns from volunteers" not in factories.login(Client(), bob).get("/").content.decode()
    response = factories.login(Client(), alice).post(
        reverse("volunteers:concern_acknowledge", kwargs={"pk": contact.pk}),
        {"from": "home"},
    )
    assert response.status_code == 302
    assert "Safeguarding concerns from volunteers" not in factories.login(Client(), vic).get("/").content.decode()


def test_contacts_cannot_be_logged_in_the_future_or_before_the_match_starts(vic, north_family: Family) -> None:
    active = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family)
    with pytest.raises(ValidationError):
        _log(active, days_ago=-1)
    offered = match_at(
        MatchState.OFFERED,
        coordinator=vic,
        family=factories.make_family(team=north_family.team, practitioner=north_family.allocated_practitioner),
    )
    with pytest.raises(ValidationError):
        _log(offered)


def test_a_gap_nudges_the_volunteer_at_14_days_and_alerts_the_coordinator_at_30_once_per_gap(
    vic, north_family: Family
) -> None:
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, started_days_ago=60)
    _log(match, days_ago=20)
    contacts.nudge_contact_gaps()
    contacts.nudge_contact_gaps()
    assert OutboxMessage.objects.filter(template="volunteer_contact_nudge").count() == 1
    assert not OutboxMessage.objects.filter(template="volunteer_contact_alert").exists()
    contacts.nudge_contact_gaps(today=TODAY() + dt.timedelta(days=11))
    assert OutboxMessage.objects.filter(template="volunteer_contact_nudge").count() == 1  # same gap
    alert = OutboxMessage.objects.get(template="volunteer_contact_alert")
    assert alert.to == [vic.email]
    _log(match, days_ago=0)  # a new contact; the next gap nudges again
    contacts.nudge_contact_gaps(today=TODAY() + dt.timedelta(days=15))
    assert OutboxMessage.objects.filter(template="volunteer_contact_nudge").count() == 2


def test_matches_at_risk_are_flagged_with_each_reason(vic, north_family: Family) -> None:
    quiet = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, started_days_ago=100)
    _log(quiet, days_ago=40)
    _log(quiet, days_ago=20, outcome=ContactOutcome.CANCELLED)
    _log(quiet, days_ago=18, outcome=ContactOutcome.ATTEMPTED)
    contacts.record_check_in(match=quiet, side="family", going_well=2, easy_to_meet=3, helping=3, by=vic)
    fine = match_at(
        MatchState.ACTIVE,
        coordinator=vic,
        family=factories.make_family(team=north_family.team, practitioner=north_family.allocated_practitioner),
        started_days_ago=3,
    )
    _log(fine, days_ago=1)
    flagged = {flag.match.pk: flag.reasons for flag in health.at_risk_matches(Match.objects.all())}
    assert fine.pk not in flagged
    reasons = " | ".join(flagged[quiet.pk])
    assert "No contact for 18 days" in reasons
    assert "2 contacts cancelled or not made" in reasons
    assert "Review overdue" in reasons
    assert "Worrying check-in from the family" in reasons


def test_at_risk_checks_take_the_same_queries_for_more_matches(
    vic, north_family: Family, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        match_at(
            MatchState.ACTIVE,
            coordinator=vic,
            family=factories.make_family(team=north_family.team, practitioner=north_family.allocated_practitioner),
        )
    with django_assert_max_num_queries(2):
        assert len(health.at_risk_matches(Match.objects.all())) == 0
    for _ in range(6):
        match_at(
            MatchState.ACTIVE,
            coordinator=vic,
            family=factories.make_family(team=north_family.team, practitioner=north_family.allocated_practitioner),
            started_days_ago=20,
        )
    with django_assert_max_num_queries(2):
        assert len(health.at_risk_matches(Match.objects.all())) == 6


def test_a_care_leaver_match_prompts_transition_planning_before_the_21st_birthday(vic, alice, north) -> None:
    today = TODAY()
    leaver = factories.make_care_leaver(
        team=north, adviser=alice, date_of_birth=health.birthday(today, -21) + dt.timedelta(days=60)
    )
    request = make_request(requested_by=alice, care_leaver=leaver, role=VolunteerRole.CARE_LEAVER_MENTOR)
    match = match_at(MatchState.ACTIVE, coordinator=vic, request=request)
    prompts = health.boundaries(Match.objects.all())
    assert [(b.match.pk, b.prompt) for b in prompts] == [(match.pk, "Plan the transition: 21st birthday")]


def test_closing_the_familys_plan_prompts_a_step_down_review(vic, north_family: Family) -> None:
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family)
    assert health.boundaries(Match.objects.all()) == []
    Family.objects.filter(pk=north_family.pk).update(closed_on=TODAY())
    prompts = health.boundaries(Match.objects.all())
    assert [(b.match.pk, b.prompt) for b in prompts] == [(match.pk, "Family's plan closed: review step-down")]
