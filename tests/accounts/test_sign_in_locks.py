"""Sign-in limits a shared council network survives, and account locks administrators can lift.

A whole council signs in from one NAT address, so wrong passwords are limited per
account (5 in 15 minutes locks it from every address), with a much higher limit per
address. Every sign-in here goes through the real login and authenticator forms.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccountLock, User
from core.models import AuditEvent
from outbox.models import OutboxMessage
from outbox.services import send_due_messages
from tests import factories
from tests.assertions import assert_never_mentions, assert_subject_marked, text_of
from tests.smtp import SMTPServer

pytestmark = pytest.mark.usefixtures("empty_cache")

COUNCIL_NAT = "203.0.113.10"
ELSEWHERE = "192.0.2.77"
WRONG = "not the password at all"
NOT_CORRECT = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."


def _attempt(email: str, password: str, *, address: str = COUNCIL_NAT) -> Any:
    return Client(REMOTE_ADDR=address).post(reverse("account_login"), {"login": email, "password": password})


def _errors(response: Any) -> list[str]:
    if response.status_code != 200:
        return []
    return [str(e) for e in response.context["form"].non_field_errors()]


def sign_in(user: User, *, address: str = COUNCIL_NAT) -> Client:
    """Password, then authenticator code, through the real forms; returns the signed-in client."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": factories.current_totp_code()}, follow=True)
    assert response.redirect_chain[-1] == (reverse("core:home"), 302)
    assert client.session["_auth_user_id"] == str(user.pk)
    return client


def _lock_out(user: User) -> None:
    """Five wrong passwords, from five different addresses."""
    for i in range(5):
        assert _errors(_attempt(user.email, WRONG, address=f"198.51.100.{i}")) == [NOT_CORRECT]


def _clock_moves_on(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The wall clock, which the rate-limit counters, the lock and the authenticator codes all read."""
    real_time, real_now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: real_time() + seconds)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(seconds=seconds))


def test_wrong_passwords_for_many_accounts_from_one_address_do_not_stop_another_account_signing_in(
    alice: User, bob: User, mo: User, gina: User, vic: User, fern: User
) -> None:
    colleagues = [bob.email, mo.email, gina.email, vic.email, fern.email]
    mistyped = [f"someone{i}@example.gov.uk" for i in range(5)]
    for email in colleagues + mistyped:
        for _ in range(4):
            assert _errors(_attempt(email, WRONG)) == [NOT_CORRECT]
    # Forty wrong passwords from the council's one address; no account reached its limit.
    sign_in(alice)
    assert not AccountLock.objects.exists()


def test_five_wrong_passwords_lock_the_account_from_every_address(alice: User, bob: User) -> None:
    _lock_out(alice)
    for address in (COUNCIL_NAT, ELSEWHERE):
        assert _errors(_attempt(alice.email, factories.PASSWORD, address=address)) == [TOO_MANY]
    assert _errors(_attempt(alice.email.upper(), factories.PASSWORD)) == [TOO_MANY]
    # A colleague behind the same address is not affected.
    sign_in(bob, address="198.51.100.0")
    lock = AccountLock.objects.get(user=alice)
    assert lock.locked_until - lock.locked_at == dt.timedelta(minutes=15)
    assert AuditEvent.objects.filter(
        object_type="accounts.AccountLock", object_id=str(lock.pk), action="create"
    ).exists()


def test_the_lock_lasts_fifteen_minutes_from_the_fifth_wrong_password(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lock_out(alice)
    _clock_moves_on(monkeypatch, 14 * 60)
    assert _errors(_attempt(alice.email, factories.PASSWORD)) == [TOO_MANY]
    _clock_moves_on(monkeypatch, 15 * 60 + 5)
    sign_in(alice)


def test_the_user_is_emailed_once_when_their_account_is_locked(alice: User, smtp_server: SMTPServer) -> None:
    _lock_out(alice)
    for password in (WRONG, factories.PASSWORD, WRONG):
        assert _errors(_attempt(alice.email, password)) == [TOO_MANY]
    assert OutboxMessage.objects.filter(template="account_locked").count() == 1
    send_due_messages()
    [message] = smtp_server.to(alice.email)
    assert_subject_marked(message)
    lock = AccountLock.objects.get(user=alice)
    body = text_of(message)
    assert "locked after 5 wrong passwords" in body
    assert f"at {timezone.localtime(lock.locked_at):%H:%M}" in body
    assert "If this was not you, tell your administrator." in body
    # Where the attempts came from is for the audit log, not an email.
    assert_never_mentions(message, [f"198.51.100.{i}" for i in range(5)])


def test_an_administrator_sees_the_lock_and_unlocks_the_account(alice: User, ada: User) -> None:
    _lock_out(alice)
    as_ada = sign_in(ada, address=ELSEWHERE)
    page = as_ada.get(reverse("accounts:user_list"))
    unlock = reverse("accounts:unlock_user", kwargs={"pk": alice.pk})
    assert [u.pk for u in page.context["locked_users"]] == [alice.pk]
    assert f'action="{unlock}"' in page.content.decode()

    response = as_ada.post(unlock, follow=True)
    assert response.redirect_chain == [(reverse("accounts:user_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == [f"{alice.email} can sign in again."]
    assert list(response.context["locked_users"]) == []
    lock = AccountLock.objects.get(user=alice)
    assert lock.unlocked_by == ada
    assert lock.unlocked_at is not None
    event = AuditEvent.objects.filter(object_type="accounts.AccountLock", object_id=str(lock.pk), action="update").get()
    assert event.actor_email == ada.email
    # The per-account counter is cleared too: the right password works at once.
    sign_in(alice)


def test_an_unlocked_account_needs_five_new_wrong_passwords_to_lock_again(
    alice: User, ada: User, smtp_server: SMTPServer
) -> None:
    _lock_out(alice)
    sign_in(ada, address=ELSEWHERE).post(reverse("accounts:unlock_user", kwargs={"pk": alice.pk}))
    for _ in range(4):
        assert _errors(_attempt(alice.email, WRONG)) == [NOT_CORRECT]
    assert AccountLock.objects.filter(user=alice).count() == 1
    assert _errors(_attempt(alice.email, WRONG)) == [NOT_CORRECT]
    assert AccountLock.objects.filter(user=alice).count() == 2
    send_due_messages()
    # One email per lock.
    assert len(smtp_server.to(alice.email)) == 2


@pytest.mark.parametrize("persona", ["mo", "bob", "vic"])
def test_only_administrators_may_unlock_an_account(alice: User, persona: str, request: pytest.FixtureRequest) -> None:
    _lock_out(alice)
    user = request.getfixturevalue(persona)
    response = sign_in(user).post(reverse("accounts:unlock_user", kwargs={"pk": alice.pk}))
    assert response.status_code == 404
    assert _errors(_attempt(alice.email, factories.PASSWORD)) == [TOO_MANY]
    assert AccountLock.objects.get(user=alice).unlocked_at is None


def test_unlocking_is_a_post(alice: User, ada: User) -> None:
    _lock_out(alice)
    response = sign_in(ada, address=ELSEWHERE).get(reverse("accounts:unlock_user", kwargs={"pk": alice.pk}))
    assert response.status_code == 405
    assert AccountLock.objects.get(user=alice).unlocked_at is None


def test_unlocking_an_account_that_is_not_locked_says_so_and_changes_nothing(ada: User, bob: User) -> None:
    response = sign_in(ada).post(reverse("accounts:unlock_user", kwargs={"pk": bob.pk}), follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"{bob.email} is not locked."]
    assert not AccountLock.objects.exists()


def test_an_unknown_address_is_refused_like_a_real_account_and_locks_nothing(db: None) -> None:
    # The same answers as for a real account, so the limit does not reveal who has one.
    for _ in range(5):
        assert _errors(_attempt("nobody@example.gov.uk", WRONG)) == [NOT_CORRECT]
    assert _errors(_attempt("nobody@example.gov.uk", WRONG)) == [TOO_MANY]
    assert not AccountLock.objects.exists()
    assert not OutboxMessage.objects.filter(template="account_locked").exists()


def test_locking_an_account_that_is_already_locked_changes_nothing(alice: User) -> None:
    # Two wrong passwords in flight at once can both see the counter full.
    first = services.lock_account(user=alice)
    assert first is not None
    assert services.lock_account(user=alice) is None
    assert AccountLock.objects.filter(user=alice).count() == 1
    assert OutboxMessage.objects.filter(template="account_locked").count() == 1
