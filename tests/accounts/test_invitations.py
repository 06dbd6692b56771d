"""Administrators invite users; a single-use, expiring link creates the account; no public sign-up."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Role, User
from core.models import AuditEvent
from outbox.models import OutboxMessage
from tests import factories

GOOD_PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def invited(ada, north):
    invitation, token = services.invite_user(
        invited_by=ada,
        email="Priya.New@Example.gov.uk",
        full_name="Priya New",
        roles=[Role.PRACTITIONER],
        teams=[north],
    )
    return invitation, token


def _link_from_outbox() -> str:
    message = OutboxMessage.objects.get(template="invitation")
    match = re.search(r"https?://\S+/invitation/(\S+)/", message.text)
    assert match, message.text
    return match.group(0)


def test_an_administrator_invites_a_user_and_the_email_carries_a_single_use_link(client_for, ada, north) -> None:
    response = client_for(ada).post(
        reverse("accounts:invite_user"),
        {
            "full_name": "Priya New",
            "email": "priya@example.gov.uk",
            "roles": [Role.PRACTITIONER.value],
            "teams": [north.pk],
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "priya@example.gov.uk"
    message = OutboxMessage.objects.get(template="invitation")
    assert message.to == ["priya@example.gov.uk"]
    assert message.subject.startswith("OFFICIAL-SENSITIVE")
    link = _link_from_outbox()
    # Only a hash of the token is stored: the database cannot produce working links.
    assert link.rstrip("/").rsplit("/", 1)[-1] not in invitation.token_hash
    assert AuditEvent.objects.filter(action="invite", object_id=str(invitation.pk)).exists()


def test_an_invitation_form_with_no_role_changes_nothing_and_says_why(client_for, ada) -> None:
    response = client_for(ada).post(reverse("accounts:invite_user"), {"full_name": "X", "email": "not-an-email"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors
    assert "roles" in errors
    assert Invitation.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_inviting_an_existing_users_address_is_refused(client_for, ada, alice) -> None:
    response = client_for(ada).post(
        reverse("accounts:invite_user"),
        {"full_name": "Alice", "email": alice.email.upper(), "roles": [Role.PRACTITIONER.value]},
    )
    assert "A user with this email address already exists." in response.context["form"].errors["email"]
    assert Invitation.objects.count() == 0


def test_accepting_creates_the_account_with_its_roles_and_teams_then_asks_for_an_authenticator(invited, north) -> None:
    _invitation, token = invited
    client = Client()
    page = client.get(reverse("accounts:accept_invitation", args=[token]))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    user = User.objects.get(email="priya.new@example.gov.uk")
    assert user.role_names == {Role.PRACTITIONER.value}
    assert list(user.teams.all()) == [north]
    assert EmailAddress.objects.get(user=user).verified
    # Signed in, but nothing is reachable until the authenticator is set up...
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")
    # ...and the set-up page opens without asking for the password again.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_an_invitation_link_works_once(invited) -> None:
    _invitation, token = invited
    Client().post(
        reverse("accounts:accept_invitation", args=[token]), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    second = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert second.status_code == 404
    assert b"This invitation link is not valid" in second.content
    with pytest.raises(ValidationError):
        services.accept_invitation(token=token, password=GOOD_PASSWORD)
    assert User.objects.filter(email="priya.new@example.gov.uk").count() == 1


def test_an_expired_invitation_link_creates_nothing(invited) -> None:
    invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = Client().post(
        reverse("accounts:accept_invitation", args=[token]), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="priya.new@example.gov.uk").exists()


def test_a_revoked_invitation_link_creates_nothing(invited, client_for, ada) -> None:
    invitation, token = invited
    client_for(ada).post(reverse("accounts:revoke_invitation", args=[invitation.pk]))
    assert Client().get(reverse("accounts:accept_invitation", args=[token])).status_code == 404


def test_a_new_invitation_replaces_the_pending_one(invited, ada) -> None:
    first, first_token = invited
    services.invite_user(invited_by=ada, email=first.email, full_name="Priya New", roles=[Role.PRACTITIONER])
    assert Client().get(reverse("accounts:accept_invitation", args=[first_token])).status_code == 404


def test_a_weak_or_mismatched_password_is_refused_and_nothing_is_created(invited) -> None:
    _invitation, token = invited
    url = reverse("accounts:accept_invitation", args=[token])
    weak = Client().post(url, {"password1": "password", "password2": "password"})
    assert weak.status_code == 200
    assert weak.context["form"].errors["password1"]
    mismatch = Client().post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"})
    assert mismatch.context["form"].errors["password2"] == ["The passwords do not match"]
    assert not User.objects.filter(email="priya.new@example.gov.uk").exists()


def test_an_unknown_token_is_not_found(db) -> None:
    assert Client().get(reverse("accounts:accept_invitation", args=["made-up"])).status_code == 404


def test_public_sign_up_is_closed(db) -> None:
    response = Client().post(
        reverse("account_signup"),
        {"email": "walk-in@example.com", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email="walk-in@example.com").exists()


def test_an_inviting_transaction_that_rolls_back_leaves_no_email(ada) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.invite_user(invited_by=ada, email="x@example.gov.uk", full_name="X", roles=[Role.MANAGER])
        raise RuntimeError("the caller failed")
    assert OutboxMessage.objects.count() == 0
    assert Invitation.objects.count() == 0


def test_an_invited_administrator_gets_the_admin_flag(ada) -> None:
    _invitation, token = services.invite_user(
        invited_by=ada, email="admin2@example.gov.uk", full_name="Second Admin", roles=[Role.ADMINISTRATOR]
    )
    user = services.accept_invitation(token=token, password=GOOD_PASSWORD)
    assert user.is_staff
    assert not user.is_superuser


def test_the_users_page_lists_accounts_and_pending_invitations(client_for, ada, invited, alice) -> None:
    response = client_for(ada).get(reverse("accounts:user_list"))
    assert alice.email.encode() in response.content
    assert b"priya.new@example.gov.uk" in response.content
    assert factories.PASSWORD.encode() not in response.content


def test_the_users_page_finds_an_account_by_name_or_email_and_pages_the_rest(ada, alice, bob) -> None:
    for n in range(30):
        factories.make_user(f"staff{n:02d}@example.gov.uk", full_name=f"Staff Member {n:02d}")
    client = Client()
    assert factories.sign_in(client, ada).status_code == 302
    first = client.get(reverse("accounts:user_list")).content.decode()
    assert first.count('<td class="govuk-table__cell">staff') + first.count(alice.email) <= 25
    assert "page=2" in first
    found = client.get(reverse("accounts:user_list"), {"q": "ALICE"}).content.decode()
    assert alice.email in found and bob.email not in found
    assert "1 account found" in found
    by_email = client.get(reverse("accounts:user_list"), {"q": "staff07@"}).content.decode()
    assert "Staff Member 07" in by_email and "Staff Member 08" not in by_email
    # Paging a search keeps the search.
    many = client.get(reverse("accounts:user_list"), {"q": "staff"}).content.decode()
    assert "?q=staff&amp;page=2" in many


def test_a_password_reset_email_goes_through_the_outbox_with_the_marking(alice) -> None:
    response = Client().post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.to == [alice.email]
    assert message.subject.startswith("OFFICIAL-SENSITIVE: ")
    assert "/accounts/password/reset/key/" in message.text


def test_a_password_reset_for_an_unknown_address_reveals_nothing_and_sends_nothing_useful(db) -> None:
    response = Client().post(reverse("account_reset_password"), {"email": "nobody@example.gov.uk"})
    assert response.status_code == 302
    assert all("/accounts/password/reset/key/" not in m.text for m in OutboxMessage.objects.all())
