"""accounts.mfa: what a session has proved, for sessions that did not come through allauth's sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, Team, User
from tests import factories


@pytest.fixture(autouse=True)
def _mfa_enforced(settings: object) -> None:
    settings.KINFOLK_ENFORCE_MFA = True  # type: ignore[attr-defined]


def test_a_session_with_no_password_record_is_asked_for_the_password_before_setting_up_a_second_factor(
    north: Team,
) -> None:
    # Django's own login() records neither a password nor a second factor: the set-up
    # page must ask for the password, not take the missing record for a fresh one.
    newcomer: User = factories.make_user("new@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,), mfa=False)
    client = Client()
    client.force_login(newcomer, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
