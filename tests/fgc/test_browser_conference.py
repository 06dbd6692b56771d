"""The coordinator records a conference and its plan, then asks for a support package, in headless Chromium with axe."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from families.models import Family
from fgc.models import Budget, ConferenceStatus, FamilyPlan, PackageStatus, SupportPackage
from tests.browser import assert_accessible, log_in, screenshot
from tests.fgc.conference_helpers import add_member, booked_conference

pytestmark = pytest.mark.browser


def test_the_coordinator_records_the_plan_and_requests_a_support_package(
    browser_page: Any, live_server: Any, alice: User, fern: User, mo: User, fay: User, north_family: Family
) -> None:
    # £600 needs two approvals: Mo, North's manager, and Fay, the FGC manager, can give them.
    conference = booked_conference(family=north_family, referrer=alice, coordinator=fern)
    add_member(conference.referral, "Rose Example")
    Budget.objects.create(name="Family Networks pilot", financial_year=2026, amount=Decimal(5000))
    page = browser_page
    log_in(page, live_server.url, fern)
    page.goto(f"{live_server.url}/fgc/referrals/{conference.referral_id}/")
    page.get_by_role("link", name="Family Group Conference,").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record the conference").click()
    # Sent empty first: the error summary says what to do.
    page.get_by_role("button", name="Record the conference").click()
    assert "Select the referrer's decision." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Date of the conference").fill(timezone.localtime(conference.start).date().isoformat())
    page.get_by_label("Information sharing started").fill("10:00")
    page.get_by_label("Private family time started").fill("10:40")
    page.get_by_label("Agreeing the plan started").fill("11:50")
    page.get_by_label("The conference ended").fill("12:30")
    person = page.get_by_role("group", name="Rose Example (Maternal grandmother)")
    for stage in ("Information sharing", "Private family time", "Agreeing the plan"):
        person.get_by_label(stage).check()
    page.get_by_role("group", name=f"{alice.full_name} (professional)").get_by_label("Information sharing").check()
    page.get_by_label("Part 1: what will happen").fill("Rose has the children after school")
    page.get_by_label("Part 1: who").fill("Rose Example")
    page.get_by_role("group", name="Does the plan meet the bottom lines?").get_by_label("Yes").check()
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_label("Who monitors the plan").fill("Social worker")
    page.get_by_label("Contingency plan").fill("Aunt steps in.")
    screenshot(page, "fgc-conference-record")
    page.get_by_role("button", name="Record the conference").click()
    assert "Conference recorded as held" in page.locator("main").inner_text()
    assert_accessible(page)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert FamilyPlan.objects.get().items.get().who == "Rose Example"

    page.get_by_role("link", name="Request a support package").click()
    page.get_by_label("Rose has the children after school (Rose Example)").check()
    page.get_by_label("Respite").check()
    page.get_by_label("Describe what is needed").fill("One weekend a month")
    page.get_by_label("Amount per payment, in pounds").fill("150")
    page.get_by_label("Monthly").check()
    page.get_by_label("Number of payments").fill("4")
    assert_accessible(page)
    page.get_by_role("button", name="Send for approval").click()
    assert "Support package requested" in page.locator("main").inner_text()
    package = SupportPackage.objects.get()
    assert package.total == Decimal(600) and package.status == PackageStatus.REQUESTED

    page.context.clear_cookies()
    log_in(page, live_server.url, mo)
    page.goto(f"{live_server.url}/fgc/support-packages/")
    assert_accessible(page)
    page.get_by_role("link", name=conference.referral.reference).click()
    assert_accessible(page)
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record my decision").click()
    package.refresh_from_db()
    assert package.status == PackageStatus.REQUESTED and package.approvals.count() == 1  # £600: a second approver
