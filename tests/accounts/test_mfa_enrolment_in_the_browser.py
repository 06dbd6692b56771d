"""A user without an authenticator signs in with a password and sets one up, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account import app_settings as allauth_account_settings
from allauth.mfa.models import Authenticator

from accounts.models import Role, Team, User
from tests import factories
from tests.browser import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _mfa_enforced(settings: Any) -> None:
    settings.KINFOLK_ENFORCE_MFA = True


@pytest.fixture
def newcomer(north: Team) -> User:
    return factories.make_user(
        "new@example.gov.uk", full_name="Nia Newcomer", roles=(Role.PRACTITIONER,), teams=(north,), mfa=False
    )


def _sign_in_with_password(page: Any, base_url: str, user: User) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _activate_authenticator_app(page: Any) -> str:
    secret: str = page.locator("#authenticator_secret").inner_text().strip()
    page.locator("input[name=code]").fill(factories.current_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    return secret


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_a_password_sign_in_sets_up_the_authenticator_app_at_once_and_the_next_sign_in_asks_for_it(
    browser_page: Any, live_server: Any, newcomer: User
) -> None:
    page = browser_page
    _sign_in_with_password(page, live_server.url, newcomer)
    assert page.url == live_server.url + "/accounts/2fa/totp/activate/"
    assert page.get_by_role("heading", level=1).inner_text() == "Set up an authenticator app"
    assert_accessible(page)

    secret = _activate_authenticator_app(page)
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    # The recovery codes allauth made are shown, not masked.
    assert "****" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nia"

    _sign_out(page)
    _sign_in_with_password(page, live_server.url, newcomer)
    assert "/accounts/2fa/authenticate/" in page.url
    # Until the code is given, nothing opens: allauth brings the user back to it.
    page.goto(live_server.url + "/families/")
    assert page.url == live_server.url + "/accounts/2fa/authenticate/"
    page.locator("input[name=code]").fill(factories.current_totp_code(secret))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nia"


def test_an_old_sign_in_gives_the_password_again_then_sets_up_the_authenticator_app(
    browser_page: Any, live_server: Any, newcomer: User, clock: Any
) -> None:
    page = browser_page
    _sign_in_with_password(page, live_server.url, newcomer)
    assert page.url == live_server.url + "/accounts/2fa/totp/activate/"
    clock.advance(allauth_account_settings.REAUTHENTICATION_TIMEOUT + 1)

    page.goto(live_server.url + "/families/")
    assert page.url == live_server.url + "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")

    _activate_authenticator_app(page)
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nia"


def _plug_in_a_security_key(page: Any) -> None:
    """Chromium's virtual authenticator: a USB security key that answers WebAuthn calls."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_password_sign_in_adds_a_security_key_at_once_and_the_next_sign_in_asks_for_it(
    browser_page: Any, live_server: Any, newcomer: User
) -> None:
    page = browser_page
    _plug_in_a_security_key(page)
    _sign_in_with_password(page, live_server.url, newcomer)
    page.get_by_role("link", name="use a security key").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Blue key")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert Authenticator.objects.filter(user=newcomer, type="webauthn").exists()
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nia"

    _sign_out(page)
    _sign_in_with_password(page, live_server.url, newcomer)
    assert page.url == live_server.url + "/accounts/2fa/authenticate/"
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nia"
