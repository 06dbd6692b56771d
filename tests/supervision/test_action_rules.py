"""The rules of the action services: when an action may fall due, who is reminded and when, what is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from core.models import AuditEvent
from diary.models import Reminder
from diary.workdays import next_working_day
from families.models import Family
from supervision import services
from supervision.models import Action, ActionStatus, SupervisionGroup, SupervisionSession
from tests.supervision.helpers import held_session, minute_and_submit


@pytest.fixture
def held(north_group: SupervisionGroup, north_family: Family, alice: User) -> SupervisionSession:
    return held_session(north_group, north_family, alice)


def test_an_action_may_fall_due_on_the_day_of_the_session_but_not_before(
    held: SupervisionSession, gina: User, alice: User
) -> None:
    item = held.items.get()
    session_day = timezone.localtime(held.start).date()
    with pytest.raises(ValidationError) as refused:
        services.add_action(
            item=item, description="Late", owner=alice, due_on=session_day - dt.timedelta(days=1), by=gina
        )
    assert refused.value.message_dict == {"due_on": ["The due date must be on or after the session."]}
    action = services.add_action(item=item, description="  Call school  ", owner=alice, due_on=session_day, by=gina)
    assert (action.description, action.due_on, action.owner, action.created_by) == (
        "Call school",
        session_day,
        alice,
        gina,
    )
    assert (action.group, action.family, action.item) == (held.group, item.family, item)


def test_adding_an_action_is_audited_with_ids_and_dates_only(held: SupervisionSession, gina: User, alice: User) -> None:
    due = timezone.localdate() + dt.timedelta(days=10)
    action = services.add_action(item=held.items.get(), description="Secret detail", owner=alice, due_on=due, by=gina)
    event = AuditEvent.objects.get(object_type="supervision.Action", object_id=str(action.pk), action="create")
    assert event.detail == {"owner": alice.pk, "due_on": due.isoformat()}


def test_an_action_reminds_its_owner_ahead_at_nine_and_the_working_day_after_it_falls_due(
    held: SupervisionSession, north_group: SupervisionGroup, gina: User, alice: User
) -> None:
    due = next_working_day(timezone.localdate() + dt.timedelta(days=20))
    action = services.add_action(item=held.items.get(), description="Visit", owner=alice, due_on=due, by=gina)
    reminders = {r.template: r for r in Reminder.objects.filter(key__startswith=f"gcs:action:{action.pk}:")}
    assert set(reminders) == {"gcs_action_due", "gcs_action_overdue"}
    ahead = reminders["gcs_action_due"]
    assert ahead.key == f"gcs:action:{action.pk}:due"
    assert ahead.late_policy == "skip"
    days_ahead = north_group.action_reminder_working_days
    assert timezone.localtime(ahead.due_at).time() == dt.time(9, 0)
    assert timezone.localtime(ahead.due_at).date() < due
    day = timezone.localtime(ahead.due_at).date()
    for _ in range(days_ahead):
        day = next_working_day(day)
    assert day == due, f"{days_ahead} working days before the due date"
    overdue = reminders["gcs_action_overdue"]
    assert overdue.key == f"gcs:action:{action.pk}:overdue"
    assert timezone.localtime(overdue.due_at) == local_datetime(next_working_day(due), dt.time(9, 0))
    assert ahead.user == alice and ahead.recipient_email == alice.email
    assert ahead.context["case_reference"] == action.family.case_reference
    assert ahead.context["link"].endswith("/gcs/actions/mine/")


def test_an_action_changed_to_what_it_already_says_is_not_saved_or_audited(
    held: SupervisionSession, gina: User, alice: User
) -> None:
    due = timezone.localdate() + dt.timedelta(days=10)
    action = services.add_action(item=held.items.get(), description="Visit", owner=alice, due_on=due, by=gina)
    before = AuditEvent.objects.count()
    reminders = set(Reminder.objects.values_list("pk", "status"))
    services.update_action(action=action, description=" Visit ", owner=alice, due_on=due, by=gina)
    assert AuditEvent.objects.count() == before
    assert set(Reminder.objects.values_list("pk", "status")) == reminders


def test_changing_a_done_action_does_not_remind_anyone(held: SupervisionSession, gina: User, alice: User) -> None:
    action = services.add_action(
        item=held.items.get(), description="Visit", owner=alice, due_on=timezone.localdate(), by=gina
    )
    services.set_action_done(action=action, done=True, by=alice)
    services.update_action(
        action=action,
        description="Visit twice",
        owner=alice,
        due_on=timezone.localdate() + dt.timedelta(days=3),
        by=gina,
    )
    action.refresh_from_db()
    assert action.description == "Visit twice"
    assert not Reminder.objects.filter(key__startswith=f"gcs:action:{action.pk}:", status="pending").exists()


def test_an_action_owner_must_be_someone_who_could_be_invited_when_it_is_changed_too(
    held: SupervisionSession, gina: User, alice: User, vic: User
) -> None:
    action = services.add_action(
        item=held.items.get(), description="Visit", owner=alice, due_on=timezone.localdate(), by=gina
    )
    with pytest.raises(ValidationError) as refused:
        services.update_action(action=action, description="Visit", owner=vic, due_on=timezone.localdate(), by=gina)
    assert refused.value.message_dict == {"owner": ["Choose an owner who can be invited to the group's sessions."]}
    action.refresh_from_db()
    assert action.owner == alice


def test_deleting_an_action_is_audited_and_refused_once_submitted(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    item = held.items.get()
    kept = services.add_action(item=item, description="Kept", owner=alice, due_on=timezone.localdate(), by=gina)
    gone = services.add_action(item=item, description="Gone", owner=alice, due_on=timezone.localdate(), by=gina)
    gone_id = gone.pk
    services.delete_action(action=gone, by=gina)
    assert not Action.objects.filter(pk=gone_id).exists()
    event = AuditEvent.objects.get(object_type="supervision.Action", object_id=str(gone_id), action="delete")
    assert event.detail == {"family": item.family_id, "owner": alice.pk}
    minute_and_submit(held, by=gina, present=[alice, mo])
    with pytest.raises(ValidationError):
        services.delete_action(action=Action.objects.get(pk=kept.pk), by=gina)
    assert Action.objects.filter(pk=kept.pk).exists()


def test_marking_done_records_who_and_when_and_reopening_clears_it_and_reminds_again(
    held: SupervisionSession, gina: User, alice: User
) -> None:
    action = services.add_action(
        item=held.items.get(),
        description="Visit",
        owner=alice,
        due_on=timezone.localdate() + dt.timedelta(days=9),
        by=gina,
    )
    done = services.set_action_done(action=action, done=True, by=alice)
    done.refresh_from_db()
    assert (done.status, done.completed_by) == (ActionStatus.DONE, alice)
    assert done.completed_at is not None
    assert AuditEvent.objects.filter(object_id=str(action.pk), action="update", detail__status="done").exists()
    reopened = services.set_action_done(action=done, done=False, by=gina)
    reopened.refresh_from_db()
    assert (reopened.status, reopened.completed_by, reopened.completed_at) == (ActionStatus.OPEN, None, None)
    assert set(
        Reminder.objects.filter(key__startswith=f"gcs:action:{action.pk}:", status="pending").values_list(
            "template", flat=True
        )
    ) == {"gcs_action_due", "gcs_action_overdue"}


def test_marking_an_action_done_twice_or_reopening_an_open_one_changes_nothing(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    action = services.add_action(
        item=held.items.get(), description="Visit", owner=alice, due_on=timezone.localdate(), by=gina
    )
    services.set_action_done(action=action, done=False, by=gina)
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN
    services.set_action_done(action=action, done=True, by=alice)
    before = AuditEvent.objects.count()
    services.set_action_done(action=Action.objects.get(pk=action.pk), done=True, by=mo)
    assert Action.objects.get(pk=action.pk).completed_by == alice
    assert AuditEvent.objects.count() == before
