"""The foundation's pages in a real browser: sign in with the second factor, and axe-core on each page."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import User
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_practitioner_signs_in_with_their_authenticator_and_reaches_their_home_page(
    browser_page: Any, live_server: Any, alice: User, north_family: Any
) -> None:
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    screenshot(page, "sign-in")
    log_in(page, live_server.url, alice)
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Alice"
    assert_accessible(page)


def test_every_foundation_page_has_no_wcag_violations(
    browser_page: Any, live_server: Any, alice: User, ada: User, north_family: Any, north_care_leaver: Any
) -> None:
    page = browser_page
    log_in(page, live_server.url, alice)
    for path in [
        "/",
        "/families/",
        "/families/?q=zzz-no-match",
        f"/families/{north_family.pk}/",
        "/care-leavers/",
        f"/care-leavers/{north_care_leaver.pk}/",
        "/accounts/2fa/",
        "/accounts/password/change/",
        "/accessibility/",
        "/privacy/",
        "/families/999999/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    log_in(page, live_server.url, ada)
    for path in ["/manage/users/", "/manage/users/invite/", "/manage/audit/"]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(live_server.url + "/manage/users/invite/")
    page.get_by_role("button", name="Send invitation").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
