"""update_group and remove_member: changes to a group reach the sessions already in the diary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, Team, User
from diary.models import Reminder
from diary.reminders import compute_due
from families.models import Family
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import SupervisionGroup, SupervisionSession
from supervision.services.papers import papers_deadline
from tests import factories
from tests.supervision import factories as gcs


@pytest.fixture
def carol(north: Team) -> User:
    return factories.make_user(
        "carol@example.gov.uk", full_name="Carol Coordinator", roles=(Role.GCS_COORDINATOR,), teams=(north,)
    )


def _invited(session: SupervisionSession) -> set[str]:
    assert session.meeting is not None
    return {a.email for a in session.meeting.attendees.current()}


def _settings_form(group: SupervisionGroup, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": group.name,
        "coordinator": group.coordinator_id,
        "minute_taker": group.minute_taker_id or "",
        "cadence_weeks": group.cadence_weeks,
        "weekday": group.weekday,
        "start_time": f"{group.start_time:%H:%M}",
        "duration_minutes": group.duration_minutes,
        "location": group.location,
        "online_url": group.online_url,
        "papers_deadline_working_days": group.papers_deadline_working_days,
        "session_reminder_working_days": group.session_reminder_working_days,
        "action_reminder_working_days": group.action_reminder_working_days,
        "discussion_interval_days": group.discussion_interval_days,
        "default_item_minutes": group.default_item_minutes,
    }
    return data | changes


def test_a_new_coordinator_is_invited_to_and_organises_the_upcoming_sessions(
    north_group: SupervisionGroup, upcoming: SupervisionSession, gina: User, carol: User
) -> None:
    past = gcs.make_past_session(group=north_group)
    # As a ModelForm does: the new value is already on the instance the service gets.
    north_group.coordinator = carol
    services.update_group(group=north_group, by=gina, coordinator=carol)
    upcoming.refresh_from_db()
    assert upcoming.meeting is not None
    upcoming.meeting.refresh_from_db()
    assert upcoming.meeting.organiser == carol
    assert carol.email in _invited(upcoming)
    assert OutboxMessage.objects.filter(to__icontains=carol.email, calendar_method="REQUEST").exists()
    overdue = Reminder.objects.filter(meeting=upcoming.meeting, key__endswith=":gcs-minutes-overdue", status="pending")
    assert [r.recipient_email for r in overdue] == [carol.email]
    assert past.meeting is not None
    past.meeting.refresh_from_db()
    assert past.meeting.organiser == gina  # the past stays as it was


def test_changing_the_minute_taker_on_the_settings_page_invites_them(
    north_group: SupervisionGroup,
    upcoming: SupervisionSession,
    gina: User,
    carol: User,
    client_for: Callable[[User], Client],
) -> None:
    response = client_for(gina).post(
        f"/gcs/groups/{north_group.pk}/edit/", _settings_form(north_group, minute_taker=carol.pk)
    )
    assert response.status_code == 302, response.content.decode()
    assert carol.email in _invited(upcoming)
    north_group.refresh_from_db()
    assert north_group.minute_taker == carol


def test_changing_the_coordinator_on_the_settings_page_makes_them_the_organiser(
    north_group: SupervisionGroup,
    upcoming: SupervisionSession,
    gina: User,
    carol: User,
    client_for: Callable[[User], Client],
) -> None:
    response = client_for(gina).post(
        f"/gcs/groups/{north_group.pk}/edit/", _settings_form(north_group, coordinator=carol.pk)
    )
    assert response.status_code == 302, response.content.decode()
    assert upcoming.meeting is not None
    upcoming.meeting.refresh_from_db()
    assert upcoming.meeting.organiser == carol
    assert carol.email in _invited(upcoming)


def test_new_reminder_rules_and_papers_deadline_reach_the_diarised_sessions(
    north_group: SupervisionGroup, upcoming_with_item: SupervisionSession, gina: User, alice: User
) -> None:
    session = upcoming_with_item
    item = session.items.get()
    action = services.add_action(
        item=item, description="Visit", owner=alice, due_on=timezone.localdate() + dt.timedelta(days=40), by=gina
    )
    north_group.papers_deadline_working_days = 5
    north_group.session_reminder_working_days = 3
    north_group.action_reminder_working_days = 4
    services.update_group(
        group=north_group,
        by=gina,
        papers_deadline_working_days=5,
        session_reminder_working_days=3,
        action_reminder_working_days=4,
    )
    session.refresh_from_db()
    assert session.papers_due_at == papers_deadline(north_group, session.start)
    papers = Reminder.objects.get(key=f"gcs:item:{item.pk}:papers-missing")
    assert papers.due_at == compute_due(anchor_at=session.papers_due_at, offset_working_days=-1)
    assert session.meeting is not None
    nudge = Reminder.objects.filter(meeting=session.meeting, key__endswith=":gcs-session").first()
    assert nudge is not None
    assert nudge.due_at == compute_due(anchor_at=session.start, offset_working_days=-3)
    due = Reminder.objects.get(key=f"gcs:action:{action.pk}:due")
    morning = timezone.make_aware(dt.datetime.combine(action.due_on, dt.time(9, 0)))
    assert due.due_at == compute_due(anchor_at=morning, offset_working_days=-4)


def test_a_session_reminder_set_to_0_working_days_goes_two_hours_before_the_session(
    north_group: SupervisionGroup, upcoming_with_item: SupervisionSession, gina: User
) -> None:
    services.update_group(group=north_group, by=gina, session_reminder_working_days=0)
    session = upcoming_with_item
    session.refresh_from_db()
    nudges = Reminder.objects.filter(meeting=session.meeting, key__endswith=":gcs-session", status="pending")
    assert nudges.exists()
    assert {r.due_at for r in nudges} == {session.start - dt.timedelta(hours=2)}


def test_a_member_removed_stops_being_reminded_and_the_coordinator_is_warned(
    north_group: SupervisionGroup,
    upcoming_with_item: SupervisionSession,
    north_family: Family,
    gina: User,
    alice: User,
    sam: User,
    client_for: Callable[[User], Client],
) -> None:
    session = upcoming_with_item
    item = session.items.get()
    item.specialists.add(sam)
    held = gcs.make_past_session(group=north_group)
    gcs.add_item(held, factories.make_family(team=north_group.team, practitioner=alice), alice)
    action = services.add_action(
        item=held.items.get(),
        description="Visit",
        owner=alice,
        due_on=timezone.localdate() + dt.timedelta(days=9),
        by=gina,
    )
    member = north_group.members.get(user=alice)
    response = client_for(gina).post(f"/gcs/groups/{north_group.pk}/members/{member.pk}/remove/", follow=True)
    body = response.content.decode()
    assert f"was to present {north_family.case_reference}" in body
    assert "owns 1 open action" in body
    pending = Reminder.objects.filter(recipient_email=alice.email, status="pending")
    assert not pending.filter(key__startswith=f"gcs:item:{item.pk}:").exists()
    assert not pending.filter(key__startswith=f"gcs:action:{action.pk}:").exists()
    warnings = client_for(gina).get(f"/gcs/sessions/{session.pk}/").content.decode()
    assert "is no longer in the group" in warnings
    # Removing sam takes him off the families' adult specialists too.
    services.remove_member(member=north_group.members.get(user=sam), by=gina)
    assert not item.specialists.exists()
