"""The foundation's pages in a real browser: sign in with the second factor, and axe-core on each page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.models import User
from outbox.models import OutboxMessage
from tests import factories
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
    page.goto(live_server.url + "/families/")
    page.get_by_label("Search").fill("zzz-no-match")
    page.get_by_role("button", name="Search").click()
    assert "zzz" not in page.url
    assert "No families match" in page.locator("main").inner_text()
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


def test_an_invited_user_sets_a_password_and_an_authenticator_before_seeing_anything(
    browser_page: Any, live_server: Any, ada: User, north: Any
) -> None:
    page = browser_page
    log_in(page, live_server.url, ada)
    page.goto(live_server.url + "/manage/users/invite/")
    page.get_by_label("Full name").fill("Nadia New")
    page.get_by_label("Email address").fill("nadia@example.gov.uk")
    page.get_by_label("Practitioner").check()
    page.get_by_label(north.name).check()
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent to nadia@example.gov.uk" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    text = OutboxMessage.objects.get(template="invitation").text
    link = re.search(r"http\S+/invitation/\S+/", text)
    assert link is not None
    path = "/invitation/" + link.group(0).split("/invitation/", 1)[1]
    page.goto(live_server.url + path)
    assert_accessible(page)
    page.get_by_label("Create a password").fill("a long and unusual passphrase 42")
    page.get_by_label("Confirm your password").fill("a long and unusual passphrase 43")
    page.get_by_role("button", name="Create account").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Create a password").fill("a long and unusual passphrase 42")
    page.get_by_label("Confirm your password").fill("a long and unusual passphrase 42")
    page.get_by_role("button", name="Create account").click()

    # Nothing but the authenticator set-up until it is done.
    assert "/accounts/2fa/totp/activate/" in page.url
    assert_accessible(page)
    screenshot(page, "set-up-authenticator")
    page.goto(live_server.url + "/families/")
    assert "/accounts/2fa/totp/activate/" in page.url
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Activate").click()
    assert page.locator(".govuk-error-message").first.is_visible()
    assert_accessible(page)
    page.locator("input[name=code]").fill(factories.current_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nadia"

    # The link worked once.
    page.goto(live_server.url + path)
    assert "This invitation link is not valid" in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_account_pages_have_no_wcag_violations(browser_page: Any, live_server: Any, alice: User) -> None:
    page = browser_page
    for path in ["/accounts/password/reset/", "/accounts/login/?next=/families/"]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "/accounts/2fa/authenticate/" in page.url
    assert_accessible(page)
    page.locator("input[name=code]").fill(factories.current_totp_code())
    page.locator("form button[type=submit]").first.click()
    page.goto(live_server.url + "/accounts/2fa/")
    assert_accessible(page)
    page.goto(live_server.url + "/accounts/reauthenticate/?next=/accounts/2fa/recovery-codes/generate/")
    assert_accessible(page)
