"""The request and matching pages as the people who use them, and their query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from families.models import Family
from tests import factories
from tests.volunteers.factories import make_request
from tests.volunteers.matching_helpers import approved_volunteer
from volunteers.models import Match, MatchState, VolunteerRequest, VolunteerRole
from volunteers.services.matching import propose_match

pytestmark = pytest.mark.django_db


def test_a_practitioner_asks_for_a_volunteer_and_sees_it_waiting(
    alice: User, north_family: Family, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    response = client.post(
        reverse("volunteers:request_create"),
        {
            "role": VolunteerRole.CHILD_AND_FAMILY,
            "family": north_family.pk,
            "goals": "Get to school on time",
            "needs_summary": "Sam and Jo, north of the borough; mornings are hard.",
            "preferred_language": "Polish",
            "preferred_times": ["0-0", "1-0"],
            "interests": "football, art",
            "wanted_from": timezone.localdate().isoformat(),
            "expected_weeks": 26,
            "consent_given_by": "Mother",
            "consent_given_on": timezone.localdate().isoformat(),
        },
    )
    request = VolunteerRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "volunteers:request_detail", args=[request.pk]
    )
    assert request.requested_by == alice and request.interests == ["art", "football"]
    assert request.preferred_times == 0b1001
    page = client.get(reverse("volunteers:request_list")).content.decode()
    assert request.reference in page and "Waiting for a match" in page


def test_a_practitioner_cannot_ask_for_a_family_they_may_not_see(
    alice: User, south_family: Family, client_for: Callable[[User], Client]
) -> None:
    response = client_for(alice).post(
        reverse("volunteers:request_create"),
        {
            "role": VolunteerRole.CHILD_AND_FAMILY,
            "family": south_family.pk,
            "goals": "x",
            "needs_summary": "x",
            "wanted_from": "2026-12-01",
            "expected_weeks": 4,
            "consent_given_by": "x",
            "consent_given_on": "2026-11-01",
        },
    )
    assert response.status_code == 200 and not VolunteerRequest.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_the_coordinator_sees_open_requests_oldest_first_and_filters_by_role(
    alice: User, vic: User, north_family: Family, north_care_leaver, client_for: Callable[[User], Client]
) -> None:
    first = make_request(requested_by=alice, family=north_family)
    second = make_request(requested_by=alice, care_leaver=north_care_leaver, role=VolunteerRole.CARE_LEAVER_MENTOR)
    VolunteerRequest.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    client = client_for(vic)
    page = client.get(reverse("volunteers:request_list")).content.decode()
    assert page.index(first.reference) < page.index(second.reference)
    filtered = client.get(
        reverse("volunteers:request_list"), {"role": VolunteerRole.CARE_LEAVER_MENTOR}
    ).content.decode()
    assert second.reference in filtered and first.reference not in filtered


def test_accepting_a_board_proposal_proposes_that_volunteer_with_the_boards_reason(
    alice: User, vic: User, north_family: Family, client_for: Callable[[User], Client]
) -> None:
    volunteer = approved_volunteer(locality=north_family.locality, first_name="Priya")
    request = make_request(requested_by=alice, family=north_family)
    client = client_for(vic)
    board = client.get(reverse("volunteers:board")).content.decode()
    assert "Priya" in board and request.reference in board
    response = client.post(
        reverse("volunteers:propose", args=[request.pk]),
        {"volunteer": volunteer.pk, "note": "Matching board", "next": reverse("volunteers:board")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:board")
    match = Match.objects.get()
    assert (match.volunteer, match.state, match.proposed_by) == (volunteer, MatchState.PROPOSED, vic)
    assert "No request is waiting for a match" in client.get(reverse("volunteers:board")).content.decode()
    why = client.get(reverse("volunteers:match_why", args=[match.pk])).content.decode()
    assert "Passes every hard rule" in why and "Vic Volunteers" in why


def test_the_ranked_list_explains_each_score(
    alice: User, vic: User, north_family: Family, client_for: Callable[[User], Client]
) -> None:
    approved_volunteer(locality=north_family.locality, first_name="Priya", languages=["English", "Polish"])
    request = make_request(requested_by=alice, family=north_family, preferred_language="Polish")
    with CaptureQueriesContext(connection):
        page = client_for(vic).get(reverse("volunteers:shortlist", args=[request.pk])).content.decode()
    assert "Priya" in page and "Wanted: Polish; speaks English, Polish." in page
    assert AuditEvent.objects.filter(
        action="view", object_id=str(request.pk), object_type="volunteers.VolunteerRequest"
    ).exists()


def test_the_time_to_match_figures_export_as_csv_and_the_export_is_audited(
    alice: User, vic: User, north_family: Family, client_for: Callable[[User], Client]
) -> None:
    request = make_request(requested_by=alice, family=north_family)
    VolunteerRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    propose_match(request=request, volunteer=approved_volunteer(), by=vic, note="")
    make_request(requested_by=alice, family=north_family)
    response = client_for(vic).get(reverse("volunteers:figures_matching"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    family_row = next(r for r in rows if r[0] == "Child and Family Ambassador")
    assert family_row[1:5] == ["1", "9", "9", "1"]
    assert AuditEvent.objects.filter(action="export", object_type="volunteers.figures").exists()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(alice: User, vic: User, north, n: int) -> VolunteerRequest:
    first = None
    for i in range(n):
        family = factories.make_family(team=north, practitioner=alice)
        approved_volunteer(locality=family.locality, interests=["art"], lived_experience=["parent"])
        request = make_request(requested_by=alice, family=family, interests=["art"])
        first = first or request
        if i % 2:
            propose_match(request=request, volunteer=approved_volunteer(locality=family.locality), by=vic, note="Test")
    assert first is not None
    return first


def test_request_and_matching_pages_use_the_same_number_of_queries_however_many_requests_and_volunteers(
    alice: User, vic: User, north, client_for: Callable[[User], Client]
) -> None:
    first = _grow(alice, vic, north, 2)
    urls = [
        reverse("volunteers:request_list"),
        reverse("volunteers:board"),
        reverse("volunteers:shortlist", args=[first.pk]),
        reverse("volunteers:figures_matching"),
    ]
    coordinator, practitioner = client_for(vic), client_for(alice)
    small = [_count(coordinator, u) for u in urls] + [_count(practitioner, urls[0])]
    _grow(alice, vic, north, 8)
    large = [_count(coordinator, u) for u in urls] + [_count(practitioner, urls[0])]
    assert large == small
