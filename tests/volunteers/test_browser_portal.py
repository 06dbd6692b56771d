"""The volunteer's journey on a phone (375 px wide) in headless Chromium, with axe-core on each page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from accounts.models import User
from families.models import Family
from tests import factories
from tests.browser import assert_accessible, log_in, screenshot
from tests.core import photo_corpus as photos
from tests.volunteers.lifecycle_helpers import match_at, volunteer_for
from volunteers.models import Contact, ContactKind, Expense, MatchState
from volunteers.services import contacts

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


@pytest.mark.usefixtures("clamd")
def test_a_volunteer_claims_their_contact_miles_and_a_photographed_receipt_on_a_phone(
    browser_page: Any, live_server: Any, val: User, vic: User, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    match = match_at(
        MatchState.ACTIVE, coordinator=vic, family=north_family, volunteer=volunteer_for(val), started_days_ago=10
    )
    for days_ago, miles in ((3, "12.5"), (1, "7")):
        contacts.log_contact(
            match=match,
            by=val,
            occurred_on=timezone.localdate() - dt.timedelta(days=days_ago),
            kind=ContactKind.FACE_TO_FACE,
            miles=Decimal(miles),
        )
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(page, live_server.url, val)
    page.goto(live_server.url + "/volunteers/portal/")
    page.get_by_role("link", name="Claim expenses").click()
    assert "19.5 miles from 2 contacts not yet claimed" in page.get_by_role("heading", level=3).inner_text()
    assert_accessible(page)
    screenshot(page, "volunteers-expenses-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Claim these miles").click()
    assert "19.5 miles from 2 contacts, £8.78" in page.locator(".govuk-notification-banner--success").inner_text()
    page.get_by_role("link", name="Claim expenses").click()
    assert "not yet claimed" not in page.content()
    page.get_by_label("Date", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("Amount, in pounds").fill("4.20")
    page.get_by_label("What it was for").fill("Parking")
    page.get_by_label("Receipt").set_input_files(
        {"name": "IMG_2231.JPG", "mimeType": "image/jpeg", "buffer": photos.phone_jpeg()}
    )
    page.get_by_role("button", name="Claim the cost").click()
    assert "Claim sent for approval" in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page)
    assert list(Expense.objects.order_by("pk").values_list("contact__miles", "receipt_display_name")) == [
        (Decimal("12.5"), ""),
        (Decimal("7.0"), ""),
        (None, "IMG_2231.jpg"),
    ]
