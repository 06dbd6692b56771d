"""A coordinator records an applicant's checks in headless Chromium until they are approved; axe on every page.

Screenshots land in docs/user-guide/images/ for the user guide (make screenshots).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.models import User
from outbox.models import OutboxMessage
from tests import factories
from tests.browser import assert_accessible, log_in, screenshot
from volunteers.models import RoleApplication, Stage

pytestmark = pytest.mark.browser


def _task(page: Any, name: str) -> None:
    page.locator(".govuk-task-list__link", has_text=name).first.click()


def _dates(page: Any, started: str = "2026-01-05", completed: str | None = "2026-01-06") -> None:
    page.get_by_label("Started").fill(started)
    if completed:
        page.get_by_label("Completed").fill(completed)
    page.get_by_role("button", name="Save").click()


def test_a_coordinator_records_every_check_until_the_applicant_is_approved(
    browser_page: Any, live_server: Any, vic: User
) -> None:
    locality = factories.make_locality("Riverside")
    page = browser_page
    log_in(page, live_server.url, vic)
    page.goto(live_server.url + "/volunteers/")
    assert_accessible(page)
    page.get_by_role("link", name="Add an enquiry").click()
    page.get_by_label("Child and Family Ambassador").check()
    page.get_by_label("First name").fill("Hana")
    page.get_by_label("Last name").fill("Novak")
    page.get_by_label("Email", exact=True).fill("hana@example.org")
    page.get_by_label("Locality").select_option(label=locality.name)
    page.get_by_label("Monday afternoon").check()
    assert_accessible(page)
    screenshot(page, "volunteers-enquiry")
    page.get_by_role("button", name="Add enquiry").click()
    assert "Enquiry from Hana Novak added" in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page)
    screenshot(page, "volunteers-task-list")

    _task(page, "Application form")
    assert_accessible(page)
    _dates(page)
    _task(page, "Interview")
    _dates(page)
    assert "Stage: References" in " ".join(page.locator("main").inner_text().split())

    for referee in ("Ruth Referee", "Rob Referee"):
        _task(page, "References")
        assert_accessible(page)
        page.get_by_label("Referee's name").fill(referee)
        page.get_by_label("Referee's email address").fill(referee.split()[0].lower() + "@example.org")
        page.get_by_label("Relationship").fill("Employer")
        page.get_by_role("button", name="Send request").click()
    detail = page.url

    # Each referee follows the link in their email, signed out.
    for address in ("ruth@example.org", "rob@example.org"):
        email = OutboxMessage.objects.get(to=[address])
        link = re.search(r"http\S+/volunteers/reference/\S+/", email.text)
        assert link is not None
        page.goto(live_server.url + "/volunteers" + link.group(0).split("/volunteers", 1)[1])
        assert_accessible(page)
        page.get_by_label("How long have you known the applicant?").fill("5 years")
        page.get_by_label("Yes").check()
        page.get_by_label("Your reference").fill("Thoughtful and reliable.")
        page.get_by_role("button", name="Send reference").click()
        assert "Reference sent" in page.locator("h1").inner_text()
        assert_accessible(page)

    page.goto(detail)
    assert "Needs review" in page.locator(".govuk-task-list").first.inner_text()
    for _ in range(2):
        page.get_by_role("link", name=re.compile("^Review")).first.click()
        assert_accessible(page)
        page.get_by_label("Accept this reference").check()
        page.get_by_role("button", name="Save review").click()

    _task(page, "Enhanced DBS")
    page.get_by_label("Certificate number").fill("001234567890")
    page.get_by_label("Issued on").fill("2026-01-20")
    page.get_by_label("Enhanced with the children's barred list").check()
    page.get_by_label("Barred list checked").check()
    page.get_by_label("Clear").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save DBS check").click()

    _task(page, "Safeguarding training")
    _dates(page)
    _task(page, "Role training")
    _dates(page)
    assert "Approved" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "volunteers-approved")
    application = RoleApplication.objects.get(volunteer__email="hana@example.org")
    assert application.stage == Stage.APPROVED
    assert application.approved_until is not None
    assert OutboxMessage.objects.filter(template="invitation", to=["hana@example.org"]).exists()

    page.get_by_role("link", name="Record a conversation").click()
    page.wait_for_url("**/supervision/new/")
    assert_accessible(page)
    page.get_by_label("Supervision", exact=True).check()
    page.get_by_label("Notes").fill("Settling in; keen on evening work.")
    page.get_by_label("Next one due").fill("2026-01-01")
    page.get_by_role("button", name="Save").click()
    assert "must be due after" in page.locator(".govuk-error-summary").inner_text()
    page.goto(live_server.url + "/volunteers/supervision-due/")
    assert "Hana Novak" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(live_server.url + "/volunteers/figures/recruitment/")
    assert_accessible(page)
    screenshot(page, "volunteers-recruitment-figures")
