"""No protected page, the Django admin included, for a password-only session."""

from __future__ import annotations

import pytest
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


@pytest.fixture
def newcomer(north):
    return factories.make_user("new@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,), mfa=False)


@pytest.mark.parametrize("path", PROTECTED)
def test_a_staff_user_without_an_authenticator_is_sent_to_set_one_up(newcomer, path) -> None:
    client = factories.login(Client(), newcomer, passed_mfa=False)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_administrator_without_an_authenticator_cannot_reach_the_django_admin(db) -> None:
    admin = factories.make_user("root@example.gov.uk", roles=(Role.ADMINISTRATOR,), mfa=False)
    admin.is_superuser = True
    admin.save()
    client = factories.login(Client(), admin, passed_mfa=False)
    assert client.get("/django-admin/accounts/user/")["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("path", PROTECTED)
def test_a_session_that_skipped_the_second_factor_is_signed_out(alice, path) -> None:
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
    client = factories.login(Client(), val, passed_mfa=False)
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


def test_setting_up_an_authenticator_lets_the_user_carry_on(newcomer) -> None:
    client = factories.login(Client(), newcomer, passed_mfa=False)
    session = client.session
    # allauth asks for a fresh password before any change to second factors.
    session["account_authentication_methods"][0]["reauthenticated"] = True
    session.save()
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": factories.current_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    assert client.get("/").status_code == 200


def test_totp_secrets_are_encrypted_at_rest(alice) -> None:
    stored = Authenticator.objects.get(user=alice, type="totp").data["secret"]
    assert stored != factories.TOTP_SECRET
    assert factories.TOTP_SECRET not in stored
    assert MFAAdapter().decrypt(stored) == factories.TOTP_SECRET


def test_demo_mode_may_switch_enforcement_off_and_says_so_on_every_page(newcomer, settings) -> None:
    settings.KINFOLK_ENFORCE_MFA = False
    settings.DEMO_MODE = True
    client = factories.login(Client(), newcomer, passed_mfa=False)
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
