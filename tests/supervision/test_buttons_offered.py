"""Buttons are not offered when what they do cannot succeed."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from accounts.models import User
from supervision import services
from supervision.models import SupervisionSession


def test_the_minutes_cannot_be_submitted_before_the_session_starts_so_no_button_is_offered(
    upcoming_with_item: SupervisionSession, gina: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(gina).get(f"/gcs/sessions/{upcoming_with_item.pk}/minutes/")
    assert b"Submit the minutes to the chair" not in response.content
    assert b"once the session has started" in response.content


def test_a_cancelled_session_offers_no_upload(
    upcoming_with_item: SupervisionSession, gina: User, client_for: Callable[[User], Client]
) -> None:
    item = upcoming_with_item.items.get()
    client = client_for(gina)
    assert b">Upload</button>" in client.get(f"/gcs/items/{item.pk}/papers/").content
    services.cancel_session(session=upcoming_with_item, reason="Room flooded", by=gina)
    response = client.get(f"/gcs/items/{item.pk}/papers/")
    assert b">Upload</button>" not in response.content
    assert b"This session has been cancelled" in response.content
