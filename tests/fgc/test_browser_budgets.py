"""The FGC manager sets up and changes the support-package budgets, in headless Chromium with axe on each page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounts.models import User
from fgc.models import Budget
from fgc.services import budgets
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_fgc_manager_adds_a_budget_and_changes_its_amount(browser_page: Any, live_server: Any, fay: User) -> None:
    this_year = budgets.financial_years()[1]
    label = budgets.financial_year_label(this_year)
    page = browser_page
    log_in(page, live_server.url, fay)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="budgets", exact=True).click()
    page.wait_for_url("**/fgc/support-packages/budgets/")
    assert page.locator("h1").inner_text() == "Budgets for support packages"
    assert "No budgets set up yet." in page.get_by_role("region", name="Budgets").inner_text()
    assert_accessible(page)

    # Sent without an amount first: the error summary says what to do, and nothing is added.
    page.get_by_label(label).check()
    page.get_by_role("button", name="Add the budget").click()
    assert "Enter the amount." in page.locator(".govuk-error-summary").inner_text()
    assert not Budget.objects.exists()
    assert_accessible(page)
    page.get_by_label("Amount, in pounds").fill("25000")
    page.get_by_role("button", name="Add the budget").click()
    assert f"Family Network Support Packages for {label} added: £25,000.00." in page.locator("main").inner_text()
    row = page.get_by_role("region", name="Budgets").get_by_role("row", name="Family Network Support Packages")
    assert row.inner_text().split("\t")[:7] == [
        label,
        "Family Network Support Packages",
        "£25,000.00",
        "£0.00",
        "£0.00",
        "£0.00",
        "£25,000.00",
    ]
    assert_accessible(page)
    screenshot(page, "fgc-budgets")

    row.get_by_role("link", name="Change amount").click()
    page.get_by_label("New amount, in pounds").fill("-1")
    page.get_by_role("button", name="Save the amount").click()
    assert "The amount cannot be less than £0." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("New amount, in pounds").fill("30000")
    page.get_by_role("button", name="Save the amount").click()
    assert "is now £30,000.00." in page.locator("main").inner_text()
    assert Budget.objects.get().amount == Decimal(30000)
