"""The rules of second-factor enforcement that tests/accounts/test_mfa_enforcement.py does not pin down."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import Role, Team, User
from tests import factories


def sign_in_with_password(user: User) -> Client:
    """The first step of the real sign-in; enough for an account with no authenticator."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    return client


@pytest.fixture
def newcomer(north: Team) -> User:
    return factories.make_user("new@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,), mfa=False)


def test_a_session_with_no_sign_in_record_has_not_passed_the_second_factor(alice: User) -> None:
    # A login path other than allauth's (Django's own login()) leaves no record of how the user signed in.
    client = Client()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/families/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_a_volunteer_who_also_holds_a_staff_role_must_set_up_a_second_factor(north: Team) -> None:
    both = factories.make_user(
        "both@example.gov.uk", roles=(Role.VOLUNTEER, Role.PRACTITIONER), teams=(north,), mfa=False
    )
    response = sign_in_with_password(both).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_user_sent_to_set_up_an_authenticator_is_told_why(newcomer: User) -> None:
    response = sign_in_with_password(newcomer).get("/families/")
    assert response["Location"] == reverse("mfa_activate_totp")
    assert "Set up an authenticator app before you continue." in [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/", "/healthz"])
def test_a_user_without_an_authenticator_can_still_read_the_public_pages(newcomer: User, path: str) -> None:
    assert sign_in_with_password(newcomer).get(path).status_code == 200


def test_a_user_without_an_authenticator_can_sign_out(newcomer: User) -> None:
    client = sign_in_with_password(newcomer)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_activate_totp")
    assert "_auth_user_id" not in client.session


def test_a_volunteer_signs_in_with_a_password_alone(val: User) -> None:
    client = sign_in_with_password(val)
    assert client.get("/").status_code == 200
