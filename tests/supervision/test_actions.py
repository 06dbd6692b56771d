"""update_action and delete_action, and their pages: an action can be corrected while the minutes are open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from diary.models import Reminder
from families.models import Family
from supervision import services
from supervision.models import Action, SupervisionGroup, SupervisionSession
from tests.supervision.helpers import held_session, minute_and_submit


@pytest.fixture
def held(north_group: SupervisionGroup, north_family: Family, alice: User) -> SupervisionSession:
    return held_session(north_group, north_family, alice)


@pytest.fixture
def action(held: SupervisionSession, alice: User, gina: User) -> Action:
    return services.add_action(
        item=held.items.get(),
        description="Book a home visit",
        owner=alice,
        due_on=timezone.localdate() + dt.timedelta(days=14),
        by=gina,
    )


def _pending(email: str, action: Action) -> set[str]:
    return set(
        Reminder.objects.filter(
            key__startswith=f"gcs:action:{action.pk}:", recipient_email=email, status="pending"
        ).values_list("key", flat=True)
    )


def test_a_new_owner_is_reminded_instead_of_the_old_one(action: Action, gina: User, alice: User, sam: User) -> None:
    later = timezone.localdate() + dt.timedelta(days=21)
    services.update_action(action=action, description="Book a home visit", owner=sam, due_on=later, by=gina)
    action.refresh_from_db()
    assert action.owner == sam and action.due_on == later
    assert _pending(alice.email, action) == set()
    assert _pending(sam.email, action) == {f"gcs:action:{action.pk}:due", f"gcs:action:{action.pk}:overdue"}
    event = AuditEvent.objects.filter(object_type="supervision.Action", action="update").latest("pk")
    assert event.detail["fields"] == ["due_on", "owner"]


def test_deleting_an_action_withdraws_its_reminders(action: Action, gina: User, alice: User) -> None:
    services.delete_action(action=action, by=gina)
    assert not Action.objects.filter(pk=action.pk).exists()
    assert _pending(alice.email, action) == set()


def test_an_action_cannot_be_changed_or_deleted_once_the_minutes_are_submitted(
    held: SupervisionSession, action: Action, gina: User, alice: User, mo: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    with pytest.raises(ValidationError, match="with the chair"):
        services.update_action(action=action, description="x", owner=alice, due_on=action.due_on, by=gina)
    with pytest.raises(ValidationError, match="with the chair"):
        services.delete_action(action=action, by=gina)


def test_the_minute_taker_changes_and_deletes_an_action_from_the_minutes_page(
    held: SupervisionSession, action: Action, gina: User, sam: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(gina)
    minutes = client.get(f"/gcs/sessions/{held.pk}/minutes/").content.decode()
    assert f"/gcs/actions/{action.pk}/edit/" in minutes and f"/gcs/actions/{action.pk}/delete/" in minutes
    assert "Book a home visit" in client.get(f"/gcs/actions/{action.pk}/edit/").content.decode()
    due = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        f"/gcs/actions/{action.pk}/edit/",
        {"description": "Book a joint home visit", "owner": sam.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.owner, action.due_on) == ("Book a joint home visit", sam, due)
    refused = client.post(
        f"/gcs/actions/{action.pk}/edit/",
        {"description": "x", "owner": sam.pk, "due_on": (held.start.date() - dt.timedelta(days=9)).isoformat()},
    )
    assert refused.status_code == 200 and "on or after the session" in refused.content.decode()
    assert client.post(f"/gcs/actions/{action.pk}/delete/").status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()


def test_the_owner_may_mark_an_action_done_but_not_rewrite_it(
    action: Action, alice: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    assert client.get(f"/gcs/actions/{action.pk}/edit/").status_code == 403
    assert client.post(f"/gcs/actions/{action.pk}/delete/").status_code == 403
    assert Action.objects.filter(pk=action.pk).exists()
