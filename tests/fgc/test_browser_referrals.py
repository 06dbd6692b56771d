"""A practitioner refers a family and the FGC manager allocates it, in headless Chromium with axe on each page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from families.models import Family
from fgc.models import Referral, ReferralStatus
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_referral_from_the_practitioner_to_an_allocated_coordinator(
    browser_page: Any, live_server: Any, alice: User, fay: User, fern: User, north_family: Family
) -> None:
    page = browser_page
    log_in(page, live_server.url, alice)
    page.goto(live_server.url + "/fgc/")
    assert_accessible(page)
    page.get_by_role("link", name="Refer a family").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Refer {north_family.case_reference}").click()
    # Sent empty first: the error summary says what to do, and nothing is saved.
    page.get_by_role("button", name="Send referral").click()
    assert "Select the children the conference is about." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    for child in north_family.children.all():
        page.get_by_label(f"{child.first_name} {child.last_name}, born").check()
    page.get_by_label("Initial Child Protection Conference").check()
    key_date = timezone.localdate() + dt.timedelta(days=10)  # about 7 working days: at risk
    page.get_by_label("Date the conference should happen before").fill(key_date.isoformat())
    page.get_by_label("ICPC date").check()
    page.get_by_label("Who gave consent to the referral?").fill("Mother")
    page.get_by_label("Bottom lines").fill("The children are not left with their father.")
    page.get_by_role("button", name="Send referral").click()
    assert "sent to the FGC service" in page.locator(".govuk-notification-banner, main").first.inner_text()
    assert_accessible(page)
    screenshot(page, "fgc-referral")
    referral = Referral.objects.get()
    assert referral.key_date == key_date, referral.key_date

    page.context.clear_cookies()
    log_in(page, live_server.url, fay)
    page.goto(live_server.url + "/")
    assert referral.reference in page.locator("main").inner_text()
    page.get_by_role("link", name=referral.reference).first.click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("link", name="Allocate a coordinator").click()
    assert_accessible(page)
    screenshot(page, "fgc-allocate")
    page.get_by_label(fern.full_name).check()
    page.get_by_role("button", name="Allocate").click()
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ALLOCATED and referral.coordinator == fern
