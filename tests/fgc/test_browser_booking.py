"""The coordinator books a conference and moves its review; the FGC manager keeps the venues (Chromium with axe)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from families.models import Family
from fgc.models import Conference, ConferenceKind, NetworkMember, ReferralStatus
from fgc.services import review
from tests.browser import assert_accessible, log_in, screenshot
from tests.fgc.booking_helpers import allocated
from tests.fgc.conference_helpers import held_awaiting_review
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.browser


def test_the_coordinator_books_the_conference_and_finds_the_letters(
    browser_page: Any, live_server: Any, alice: User, fern: User, north_family: Family
) -> None:
    referral = allocated(north_family, alice, fern)
    make_venue("Oak Tree Family Centre")
    NetworkMember.objects.create(
        referral=referral, name="Gwen Grandmother", relationship="Grandmother", address="1 Oak"
    )
    page = browser_page
    log_in(page, live_server.url, fern)
    page.goto(f"{live_server.url}/fgc/referrals/{referral.pk}/")
    page.get_by_role("link", name="Book the conference").click()
    assert_accessible(page)
    day = timezone.localdate() + dt.timedelta(days=12)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Information sharing ends at").fill("11:00")
    page.get_by_label("End time").fill("13:30")
    page.get_by_label("Venue").select_option(label="Oak Tree Family Centre (up to 12)")
    page.get_by_role("button", name="Book the conference").click()
    assert "Conference booked" in page.locator("main").inner_text()
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED
    page.get_by_role("link", name="Move or cancel the conference, invitation letters").click()
    assert "Letter for Gwen Grandmother" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "fgc-booking")
    assert Conference.objects.get().venue.name == "Oak Tree Family Centre"


def test_the_coordinator_moves_the_review_conference_and_finds_its_letters(
    browser_page: Any, live_server: Any, alice: User, fern: User, north_family: Family
) -> None:
    plan = held_awaiting_review(family=north_family, referrer=alice, coordinator=fern)
    referral = plan.conference.referral
    held_at = local_datetime(timezone.localdate() - dt.timedelta(days=2), dt.time(10, 0))
    Conference.objects.filter(pk=plan.conference_id).update(
        start=held_at, end=held_at + dt.timedelta(hours=3), information_sharing_ends_at=held_at + dt.timedelta(hours=1)
    )
    plan.conference.refresh_from_db()
    review.book_review(plan=plan, by=fern)
    NetworkMember.objects.create(
        referral=referral, name="Gwen Grandmother", relationship="Grandmother", address="1 Oak"
    )
    page = browser_page
    log_in(page, live_server.url, fern)
    page.goto(f"{live_server.url}/fgc/referrals/{referral.pk}/")
    page.get_by_role("link", name="Move or cancel the review conference, invitation letters").click()
    assert "Letter for Gwen Grandmother" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "fgc-review-booking")
    day = review.proposed_slot(plan).start.date() + dt.timedelta(days=7)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("button", name="Move the review conference").click()
    assert "Review conference booked for" in page.locator("main").inner_text()
    assert_accessible(page)
    moved = Conference.objects.get(kind=ConferenceKind.REVIEW)
    assert timezone.localtime(moved.start).date() == day
    page.get_by_role("link", name="Move or cancel the review conference, invitation letters").click()
    page.get_by_role("link", name="Cancel the review conference").click()
    assert_accessible(page)
    page.get_by_label("Why is the conference cancelled?").fill("The family asked for another day.")
    page.get_by_role("button", name="Cancel the review conference").click()
    assert "Review conference cancelled" in page.locator("main").inner_text()
    page.get_by_role("link", name="Book the review conference").click()
    assert_accessible(page)


def test_the_fgc_manager_keeps_the_list_of_venues(browser_page: Any, live_server: Any, fay: User) -> None:
    page = browser_page
    log_in(page, live_server.url, fay)
    page.goto(live_server.url + "/fgc/")
    page.get_by_role("link", name="Venues for conferences").click()
    page.get_by_label("Name").fill("Riverside Library")
    page.get_by_label("Address").fill("Riverside Walk")
    page.get_by_role("button", name="Add the venue").click()
    assert "Riverside Library added" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("row", name="Riverside Library").get_by_role("button").click()
    assert "no longer offered" in page.locator("main").inner_text()
    assert_accessible(page)
