"""The coordinator prepares the family in headless Chromium: a person added to the network, a child's views recorded."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from fgc.models import ChildVoice, InvitationStatus, NetworkMember, Referral
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_coordinator_adds_a_network_member_and_records_the_childs_views(
    browser_page: Any, live_server: Any, fern: User, allocated_referral: Referral
) -> None:
    page = browser_page
    child = allocated_referral.children.order_by("date_of_birth")[0]
    log_in(page, live_server.url, fern)
    page.goto(f"{live_server.url}/fgc/referrals/{allocated_referral.pk}/")
    page.get_by_role("link", name="The family network, preparation visits and the children's views").click()
    assert_accessible(page)

    page.get_by_role("link", name="Add a person").click()
    # Not to be invited, but no reason given: the error says what to do and nothing is saved.
    page.get_by_label("Name", exact=True).fill("Dan Father")
    page.get_by_label("Relationship to the child").fill("Father")
    page.get_by_label("Not to be invited (safety)").check()
    page.get_by_role("button", name="Add to the network").click()
    assert "Say why this person is not to be invited" in page.locator(".govuk-error-summary").inner_text()
    assert not NetworkMember.objects.exists()
    assert_accessible(page)
    page.get_by_label("Safety note").fill("A court order forbids contact.")
    page.get_by_role("button", name="Add to the network").click()
    assert "Person added to the family network." in page.locator("main").inner_text()
    assert_accessible(page)
    member = NetworkMember.objects.get()
    assert member.invitation_status == InvitationStatus.NOT_INVITED

    page.get_by_role("link", name=f"Record views of {child.first_name}").click()
    assert_accessible(page)
    page.get_by_label("Attends part of it").check()
    page.get_by_label("The child's views, wishes and feelings").fill("I want my nan to be there.")
    page.get_by_role("button", name="Save views").click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Share with the referrer ({child.first_name})").click()
    assert "views are shared" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "fgc-preparation")
    voice = ChildVoice.objects.get(child=child)
    assert voice.views == "I want my nan to be there." and voice.shared_at is not None
