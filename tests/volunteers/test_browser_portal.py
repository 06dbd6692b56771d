"""The volunteer's journey on a phone (375 px wide) in headless Chromium, with axe-core on each page."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import User
from families.models import Family
from tests import factories
from tests.browser import assert_accessible, log_in, screenshot
from tests.volunteers.lifecycle_helpers import match_at, volunteer_for
from volunteers.models import Contact, MatchState

pytestmark = pytest.mark.browser


def test_a_volunteer_logs_a_contact_with_a_concern_on_a_phone(
    browser_page: Any, live_server: Any, val: User, vic: User, alice: User, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    match = match_at(
        MatchState.ACTIVE, coordinator=vic, family=north_family, volunteer=volunteer_for(val), started_days_ago=10
    )
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(page, live_server.url, val)
    page.goto(live_server.url + "/volunteers/portal/")
    assert_accessible(page)
    screenshot(page, "volunteers-portal-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name="Log a contact").first.click()
    assert_accessible(page)
    page.get_by_label("Phone").check()
    page.get_by_label("How long, in minutes").fill("25")
    page.get_by_label("Notes").fill("Talked about the school week.")
    page.get_by_label("Safeguarding concern (optional)").fill("Said there was no food in the house.")
    screenshot(page, "volunteers-contact-phone")
    page.get_by_role("button", name="Log the contact").click()
    assert (
        "practitioner and coordinator have been told"
        in page.locator(".govuk-notification-banner--success").inner_text()
    )
    assert_accessible(page)
    contact = Contact.objects.get(match=match)
    assert (contact.kind, contact.minutes, contact.has_open_concern) == ("phone", 25, True)
