"""The coordinator's matching journey in headless Chromium: accessible pages, from request to proposal."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from families.models import CareLeaver, Family
from tests.browser import assert_accessible, log_in, screenshot
from tests.volunteers.factories import make_request
from tests.volunteers.matching_helpers import approved_volunteer
from volunteers.models import Match, MatchState, VolunteerRole


def test_a_coordinator_accepts_a_board_proposal_and_reads_why_this_volunteer(
    browser_page: Any, live_server: Any, alice: User, vic: User, north_family: Family, north_care_leaver: CareLeaver
) -> None:
    approved_volunteer(locality=north_family.locality, first_name="Priya", interests=["football"])
    approved_volunteer(VolunteerRole.CARE_LEAVER_MENTOR, first_name="Tom", lived_experience=["care_experienced"])
    request = make_request(requested_by=alice, family=north_family, interests=["football"])
    make_request(requested_by=alice, care_leaver=north_care_leaver, role=VolunteerRole.CARE_LEAVER_MENTOR)
    page = browser_page
    log_in(page, live_server.url, vic)

    page.goto(live_server.url + "/volunteers/requests/")
    assert_accessible(page)
    page.get_by_role("link", name="Open the matching board").click()
    assert_accessible(page)
    screenshot(page, "volunteers-matching-board")
    page.get_by_role("button", name=f"Accept Priya Tester for {request.reference}").click()
    page.wait_for_load_state()
    assert "Priya Tester proposed for" in page.content()
    assert_accessible(page)

    match = Match.objects.get(request=request)
    assert match.state == MatchState.PROPOSED
    page.goto(live_server.url + f"/volunteers/matches/{match.pk}/why/")
    assert_accessible(page)
    screenshot(page, "volunteers-why-this-volunteer")
    page.goto(live_server.url + f"/volunteers/requests/{request.pk}/shortlist/")
    assert_accessible(page)
    page.goto(live_server.url + "/volunteers/figures/matching/")
    assert_accessible(page)


def test_a_practitioner_asks_for_a_volunteer_on_an_accessible_form(
    browser_page: Any, live_server: Any, alice: User, north_family: Family
) -> None:
    page = browser_page
    log_in(page, live_server.url, alice)
    page.goto(live_server.url + "/volunteers/requests/new/")
    assert_accessible(page)
    screenshot(page, "volunteers-ask-for-a-volunteer")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    assert_accessible(page)
