"""The lifecycle's demo data, and its figures with their CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from families.demo import build_demo_borough
from families.models import Family
from tests import factories
from tests.volunteers.lifecycle_helpers import match_at
from volunteers.demo import lifecycle as demo
from volunteers.demo import recruitment as recruitment_demo
from volunteers.models import Contact, EndingReason, Event, Match, MatchState
from volunteers.services import lifecycle
from volunteers.views.figures_lifecycle import lifecycle_figures

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_active_match_with_contacts_a_concern_and_an_event_and_can_run_twice() -> None:
    build_demo_borough()
    recruitment_demo.build()  # approves Jo through the recruitment services, as `manage.py demo` does first
    lines = demo.build()
    assert lines and "active match" in lines[0]
    match = Match.objects.get(state=MatchState.ACTIVE)
    assert match.volunteer.user is not None and match.volunteer.user.email == "volunteer@kinfolk.test"
    assert Contact.objects.filter(match=match).exclude(concern="").count() == 1
    counts = (Match.objects.count(), Contact.objects.count(), Event.objects.count())
    demo.build()
    assert (Match.objects.count(), Contact.objects.count(), Event.objects.count()) == counts == (1, 4, 1)


def test_figures_count_active_matches_and_early_endings_by_reason(vic, north_family: Family) -> None:
    match_at(MatchState.ACTIVE, coordinator=vic, family=north_family)
    ended = match_at(
        MatchState.ACTIVE,
        coordinator=vic,
        family=factories.make_family(team=north_family.team, practitioner=north_family.allocated_practitioner),
    )
    lifecycle.end_match(
        match=ended,
        reason=EndingReason.VOLUNTEER_ENDED,
        goals_met=False,
        planned=False,
        ended_on=timezone.localdate(),
        by=vic,
    )
    tables = lifecycle_figures()
    assert ["Active matches", 1] in tables["summary"]
    assert ["Of which ended early (unplanned)", 1] in tables["summary"]
    assert [EndingReason.VOLUNTEER_ENDED.label, 1] in tables["early"]
    response = factories.login(Client(), vic).get(reverse("volunteers:figures_lifecycle") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Active matches", "1"] in rows
    assert AuditEvent.objects.filter(action="export", object_type="volunteers.Match").count() == 1
