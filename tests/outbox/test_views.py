"""Outbox pages: failed messages sent again, credentials masked, the development outbox of demo mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from diary.demo import build_demo_meetings
from outbox.models import KeptEmail, OutboxMessage, OutboxStatus
from outbox.services import enqueue_email

ClientFor = Callable[[User], Client]


def test_an_administrator_sees_dead_messages_and_can_send_one_again(ada: User, client_for: ClientFor) -> None:
    message = enqueue_email(
        to=["x@example.gov.uk"],
        template="notice",
        context={"subject": "Hello", "body": "b"},
        idempotency_key="views:dead",
    )
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.DEAD, attempts=6, last_error="554 Rejected")
    client = client_for(ada)
    listing = client.get(reverse("outbox:outbox_list"))
    assert b"OFFICIAL-SENSITIVE: Hello" in listing.content
    detail = client.get(reverse("outbox:outbox_detail", kwargs={"pk": message.pk}))
    assert b"554 Rejected" in detail.content
    client.post(reverse("outbox:outbox_retry", kwargs={"pk": message.pk}))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)


def test_an_administrator_can_send_every_failed_message_again_after_an_outage(
    ada: User, alice: User, client_for: ClientFor
) -> None:
    for n in range(3):
        enqueue_email(
            to=["x@example.gov.uk"], template="notice", context={"subject": "s", "body": "b"}, idempotency_key=f"d{n}"
        )
    OutboxMessage.objects.update(status=OutboxStatus.DEAD, attempts=6)
    listing = client_for(ada).get(reverse("outbox:outbox_list"))
    assert reverse("outbox:outbox_retry_dead").encode() in listing.content
    assert client_for(alice).post(reverse("outbox:outbox_retry_dead")).status_code == 404
    assert OutboxMessage.objects.filter(status=OutboxStatus.DEAD).count() == 3
    response = client_for(ada).post(reverse("outbox:outbox_retry_dead"))
    assert response.status_code == 302
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 0)}


def test_the_outbox_message_helper_is_404_for_everyone_but_administrators(
    ada: User, alice: User, mo: User, gina: User
) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from outbox.permissions import get_outbox_message_for_user

    message = enqueue_email(
        to=["x@example.gov.uk"], template="notice", context={"subject": "s", "body": "b"}, idempotency_key="perm"
    )
    assert get_outbox_message_for_user(ada, message.pk) == message
    for outsider in (alice, mo, gina, AnonymousUser()):
        with pytest.raises(Http404):
            get_outbox_message_for_user(outsider, message.pk)
    with pytest.raises(Http404):
        get_outbox_message_for_user(ada, message.pk + 1000)


def test_in_demo_mode_a_meeting_invited_moved_and_cancelled_shows_in_the_development_outbox(
    settings: Any, gina: User, alice: User, mo: User, ada: User, client_for: ClientFor
) -> None:
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "outbox.mail_backends.KeepBackend"
    moved, standing = build_demo_meetings()
    assert (moved.status, moved.sequence, standing.sequence) == ("cancelled", 2, 0)
    kept_to_alice = KeptEmail.objects.filter(to=["alice@example.gov.uk"]).order_by("pk")
    subjects = [k.subject.split(": ", 2)[1] for k in kept_to_alice]
    assert subjects == ["Invitation", "Updated", "Cancelled", "Invitation"]
    client = client_for(ada)
    listing = client.get(reverse("outbox:development_outbox"))
    assert listing.status_code == 200
    cancellation = kept_to_alice[2]
    detail = client.get(reverse("outbox:development_outbox_detail", kwargs={"pk": cancellation.pk}))
    assert detail.status_code == 200
    calendar = detail.context["calendars"][0]
    assert calendar["events"][0].method == "CANCEL" and calendar["events"][0].sequence == 2
    assert 'method="CANCEL"' in calendar["content_type"] or "method=CANCEL" in calendar["content_type"]
    assert b"text/calendar" in detail.content


def test_the_development_outbox_shows_the_characters_of_a_kept_message_not_escapes(
    settings: Any, gina: User, alice: User, ada: User, client_for: ClientFor
) -> None:
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "outbox.mail_backends.KeepBackend"
    build_demo_meetings()
    kept = KeptEmail.objects.filter(to=["alice@example.gov.uk"]).order_by("pk").first()
    assert kept is not None and "–" in kept.raw  # the titles are "Group Case Supervision – <team>"
    detail = client_for(ada).get(reverse("outbox:development_outbox_detail", kwargs={"pk": kept.pk}))
    page = detail.content.decode()
    assert "\\u2013" not in page and "\\u" not in detail.context["text"]
    assert "Group Case Supervision – " in detail.context["text"]
    assert detail.context["calendars"][0]["events"][0].summary.startswith("Group Case Supervision – ")


@pytest.mark.parametrize(("demo", "debug", "linked"), [(True, False, True), (False, True, True), (False, False, False)])
def test_the_development_outbox_is_linked_from_home_and_the_outbox_where_it_exists(
    settings: Any, ada: User, alice: User, client_for: ClientFor, demo: bool, debug: bool, linked: bool
) -> None:
    settings.DEMO_MODE, settings.DEBUG = demo, debug
    link = f'href="{reverse("outbox:development_outbox")}"'
    client = client_for(ada)
    assert (link in client.get("/").content.decode()) is linked
    assert (link in client.get(reverse("outbox:outbox_list")).content.decode()) is linked
    assert client.get(reverse("outbox:development_outbox")).status_code == (200 if linked else 404)
    assert link not in client_for(alice).get("/").content.decode()


def test_the_development_outbox_is_not_there_outside_demo_mode(ada: User, client_for: ClientFor, settings: Any) -> None:
    settings.DEMO_MODE = settings.DEBUG = False
    assert client_for(ada).get(reverse("outbox:development_outbox")).status_code == 404


def test_the_account_invitation_email_goes_through_the_outbox(ada: User) -> None:
    from accounts import services
    from accounts.models import Role

    invitation, _token = services.invite_user(
        invited_by=ada, email="new@example.gov.uk", full_name="New Person", roles=[Role.PRACTITIONER]
    )
    from accounts import emails

    emails.send_invitation(invitation=invitation, link="http://example/x")
    message = OutboxMessage.objects.get(idempotency_key=f"invitation:{invitation.pk}")
    assert message.to == ["new@example.gov.uk"]
    assert message.subject.startswith("OFFICIAL-SENSITIVE: ")


def test_the_outbox_page_hides_the_credentials_inside_links(client_for, ada, north) -> None:
    from accounts import services
    from accounts.models import Role
    from outbox.models import OutboxMessage

    _invitation, token = services.invite_user(
        invited_by=ada, email="new@example.gov.uk", full_name="New Person", roles=[Role.PRACTITIONER]
    )
    message = OutboxMessage.objects.get(template="invitation")
    assert token in message.text
    response = client_for(ada).get(f"/manage/outbox/{message.pk}/")
    assert response.status_code == 200
    assert token.encode() not in response.content
    assert b"/invitation/[hidden]" in response.content
