"""The FGC manager opens the figures from the navigation, in headless Chromium with axe on the page."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Team, User
from tests.browser import assert_accessible, log_in, screenshot
from tests.fgc.figures_helpers import build_caseload

pytestmark = pytest.mark.browser


def test_the_fgc_manager_reads_the_figures_as_charts_and_tables(
    browser_page: Any, live_server: Any, north: Team, south: Team, alice: User, bob: User, fern: User, fay: User
) -> None:
    build_caseload(north=north, south=south, alice=alice, bob=bob, fern=fern)
    page = browser_page
    log_in(page, live_server.url, fay)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="FGC figures").first.click()
    page.wait_for_url("**/fgc/figures/")
    assert page.locator("h1").inner_text() == "Family Group Conference figures"
    assert page.locator("svg.kf-chart").count() == 7
    plans = page.get_by_role("region", name="Plans agreed")
    assert plans.get_by_role("row", name="Not agreed").inner_text().split("\t") == ["Not agreed", "1", "33", "0"]
    assert_accessible(page)
    screenshot(page, "fgc-figures")

    page.get_by_label("Period").select_option("3")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/fgc/figures/?months=3")
    reasons = page.get_by_role("region", name="Referrals by reason")
    assert reasons.get_by_role("row", name="All reasons").inner_text().split("\t") == ["All reasons", "5", "100", "1"]
    assert_accessible(page)
