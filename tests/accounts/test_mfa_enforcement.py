"""No protected page, the Django admin included, for a password-only session."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from allauth.account import app_settings as allauth_account_settings
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.adapters import MFAAdapter
from accounts.models import Role
from tests import factories

PROTECTED = [
    "/",
    "/families/",
    "/care-leavers/",
    "/manage/users/",
    "/manage/audit/",
    "/django-admin/",
    "/accounts/email/",
]


@pytest.fixture(autouse=True)
def _mfa_enforced(settings) -> None:
    settings.KINFOLK_ENFORCE_MFA = True


@pytest.fixture
def newcomer(north):
    """A practitioner with a password but no authenticator yet: every user on the
    day enforcement starts, and anyone whose authenticator is removed."""
    return factories.make_user("new@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,), mfa=False)


ACTIVATE = reverse("mfa_activate_totp")

# Tests that set up an authenticator take `transactional_db`: allauth announces
# a new TOTP authenticator once its transaction commits, which in production is
# within the request, and the session notes it then (accounts.mfa).


def _password_check(next_path: str) -> str:
    return f"{reverse('account_reauthenticate')}?{urlencode({'next': next_path})}"


def _chain(response) -> list[str]:
    return [url for url, _status in response.redirect_chain]


@pytest.mark.parametrize("path", PROTECTED)
def test_a_staff_user_without_an_authenticator_is_sent_to_set_one_up(newcomer, path) -> None:
    client = Client()
    factories.sign_in(client, newcomer)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_an_administrator_without_an_authenticator_cannot_reach_the_django_admin(db) -> None:
    admin = factories.make_user("root@example.gov.uk", roles=(Role.ADMINISTRATOR,), mfa=False)
    admin.is_superuser = True
    admin.save()
    client = Client()
    factories.sign_in(client, admin)
    assert client.get("/django-admin/accounts/user/")["Location"] == ACTIVATE


@pytest.mark.parametrize("path", PROTECTED)
def test_a_session_that_skipped_the_second_factor_is_signed_out(alice, path) -> None:
    # No login path of ours opens such a session (allauth asks alice for her
    # code): the hand-made session stands for one that some future path might.
    client = factories.login(Client(), alice, passed_mfa=False)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_the_django_admin_login_form_is_replaced_by_ours(db) -> None:
    response = Client().get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_volunteer_is_not_asked_for_a_second_factor(val) -> None:
    client = Client()
    factories.sign_in(client, val)
    assert client.get("/").status_code == 200


def test_signing_in_with_password_and_authenticator_code_reaches_the_home_page(alice) -> None:
    client = Client()
    response = client.post(reverse("account_login"), {"login": alice.email, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    # Between the steps the user is not signed in.
    assert client.get("/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": factories.current_totp_code()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_authenticator_code_keeps_the_user_out(alice) -> None:
    client = Client()
    client.post(reverse("account_login"), {"login": alice.email, "password": factories.PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert b"govuk-error-message" in response.content
    assert client.get("/")["Location"].startswith(reverse("account_login"))


def test_a_password_sign_in_sets_up_an_authenticator_at_once_and_the_next_sign_in_asks_for_it(
    transactional_db, newcomer
) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": newcomer.email, "password": factories.PASSWORD}, follow=True
    )
    # Straight to the set-up page: no second password check, no loop.
    assert _chain(response) == ["/", ACTIVATE]
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(ACTIVATE, {"code": factories.current_totp_code(secret)}, follow=True)
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    # allauth shows the recovery codes it made, in full.
    assert _chain(response) == [reverse("mfa_view_recovery_codes")]
    assert response.context["can_view_codes"]
    assert "****" not in response.context["unused_codes"]
    assert client.get("/").status_code == 200

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": newcomer.email, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/").status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": factories.current_totp_code(secret)})
    assert client.get("/").status_code == 200


def test_a_password_sign_in_may_add_a_security_key_at_once(newcomer) -> None:
    client = Client()
    factories.sign_in(client, newcomer)
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200
    assert "creation_options" in response.context["js_data"]


def test_an_old_sign_in_is_asked_for_the_password_again_then_sets_up_the_authenticator(
    transactional_db, newcomer, clock
) -> None:
    client = Client()
    factories.sign_in(client, newcomer)
    assert client.get(ACTIVATE).status_code == 200
    clock.advance(allauth_account_settings.REAUTHENTICATION_TIMEOUT + 1)

    response = client.get("/", follow=True)
    assert _chain(response) == [ACTIVATE, _password_check(ACTIVATE)]
    assert response.status_code == 200
    assert "password" in response.context["form"].fields
    assert not Authenticator.objects.filter(user=newcomer).exists()

    response = client.post(_password_check(ACTIVATE), {"password": factories.PASSWORD}, follow=True)
    assert _chain(response) == [ACTIVATE]
    secret = response.context["form"].secret
    client.post(ACTIVATE, {"code": factories.current_totp_code(secret)})
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    assert client.get("/").status_code == 200


def test_a_code_entered_after_the_window_is_kept_while_the_password_is_asked_for_again(
    transactional_db, newcomer, clock
) -> None:
    client = Client()
    factories.sign_in(client, newcomer)
    secret = client.get(ACTIVATE).context["form"].secret
    clock.advance(allauth_account_settings.REAUTHENTICATION_TIMEOUT + 1)

    response = client.post(ACTIVATE, {"code": factories.current_totp_code(secret)})
    assert response["Location"] == _password_check(ACTIVATE)
    assert not Authenticator.objects.filter(user=newcomer).exists()
    response = client.post(_password_check(ACTIVATE), {"password": factories.PASSWORD}, follow=True)
    # allauth replays the code once the password is given.
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    assert _chain(response) == [reverse("mfa_view_recovery_codes")]
    assert client.get("/").status_code == 200


def test_a_wrong_password_at_the_check_sets_nothing_up_and_opens_nothing(newcomer, clock) -> None:
    client = Client()
    factories.sign_in(client, newcomer)
    clock.advance(allauth_account_settings.REAUTHENTICATION_TIMEOUT + 1)
    response = client.post(_password_check(ACTIVATE), {"password": "not my password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(ACTIVATE)["Location"] == _password_check(ACTIVATE)


def test_the_password_check_opens_nothing_but_the_set_up_pages(newcomer) -> None:
    client = Client()
    factories.sign_in(client, newcomer)
    response = client.post(_password_check("/families/"), {"password": factories.PASSWORD}, follow=True)
    assert _chain(response) == ["/families/", ACTIVATE]
    for path in [reverse("mfa_reauthenticate"), reverse("mfa_index"), reverse("account_change_password")]:
        assert client.get(path)["Location"] == ACTIVATE


def test_a_session_that_did_not_set_up_the_authenticator_is_signed_out_once_another_does(
    transactional_db, newcomer
) -> None:
    # Someone else with the password, waiting in a session of their own while
    # the user sets up the app, does not inherit the user's second factor.
    waiting = Client()
    factories.sign_in(waiting, newcomer)
    assert waiting.get("/")["Location"] == ACTIVATE

    client = Client()
    factories.sign_in(client, newcomer)
    secret = client.get(ACTIVATE).context["form"].secret
    client.post(ACTIVATE, {"code": factories.current_totp_code(secret)})
    assert client.get("/").status_code == 200

    response = waiting.get("/")
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in waiting.session


def test_a_user_who_removes_their_authenticator_sets_up_another_without_a_loop(transactional_db, alice, clock) -> None:
    client = Client()
    factories.sign_in(client, alice)
    deactivate = reverse("mfa_deactivate_totp")
    # Signed in with a code: allauth asks for the password before the change.
    assert client.get(deactivate)["Location"] == _password_check(deactivate)
    client.post(_password_check(deactivate), {"password": factories.PASSWORD})
    client.post(deactivate)
    assert not Authenticator.objects.filter(user=alice).exists()
    assert client.get("/")["Location"] == ACTIVATE

    clock.advance(allauth_account_settings.REAUTHENTICATION_TIMEOUT + 1)
    response = client.get("/", follow=True)
    assert _chain(response) == [ACTIVATE, _password_check(ACTIVATE)]
    response = client.post(_password_check(ACTIVATE), {"password": factories.PASSWORD}, follow=True)
    assert _chain(response) == [ACTIVATE]
    secret = response.context["form"].secret
    client.post(ACTIVATE, {"code": factories.current_totp_code(secret)})
    assert client.get("/").status_code == 200


def test_totp_secrets_are_encrypted_at_rest(alice) -> None:
    stored = Authenticator.objects.get(user=alice, type="totp").data["secret"]
    assert stored != factories.TOTP_SECRET
    assert factories.TOTP_SECRET not in stored
    assert MFAAdapter().decrypt(stored) == factories.TOTP_SECRET


def test_demo_mode_may_switch_enforcement_off_and_says_so_on_every_page(newcomer, settings) -> None:
    settings.KINFOLK_ENFORCE_MFA = False
    settings.DEMO_MODE = True
    client = Client()
    factories.sign_in(client, newcomer)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Demo mode" in response.content


def test_production_settings_refuse_to_switch_enforcement_off() -> None:
    from tests.test_settings import run_settings

    result = run_settings(
        {
            "DEBUG": "0",
            "SECRET_KEY": "p" * 64,
            "ALLOWED_HOSTS": "x.gov.uk",
            "KINFOLK_ENFORCE_MFA": "0",
            "KINFOLK_DEMO": "0",
        }
    )
    assert result.returncode != 0
    assert "KINFOLK_ENFORCE_MFA may only be turned off in demo mode" in result.stderr


def test_a_session_whose_authenticator_was_removed_elsewhere_is_signed_out_once_a_new_one_is_set_up(
    transactional_db, newcomer, clock
) -> None:
    # Session A sets up the app, which counts as its second factor.
    first = Client()
    factories.sign_in(first, newcomer)
    secret = first.get(ACTIVATE).context["form"].secret
    first.post(ACTIVATE, {"code": factories.current_totp_code(secret)})
    assert first.get("/").status_code == 200

    # The user (session B) removes that authenticator and sets up another.
    clock.advance(30)  # the next code: a code works once
    second = Client()
    factories.sign_in(second, newcomer, totp_secret=secret)
    deactivate = reverse("mfa_deactivate_totp")
    second.post(_password_check(deactivate), {"password": factories.PASSWORD})
    second.post(deactivate)
    assert not Authenticator.objects.filter(user=newcomer, type="totp").exists()
    new_secret = second.get(ACTIVATE).context["form"].secret
    second.post(ACTIVATE, {"code": factories.current_totp_code(new_secret)})
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    assert second.get("/").status_code == 200

    # Session A set up an authenticator the user no longer has: it has passed nothing now.
    response = first.get("/")
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in first.session
