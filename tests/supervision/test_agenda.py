"""add_item, move_item, remove_item, families due, carried actions and publishing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Team, User
from diary.models import Reminder
from families.models import Family
from outbox.models import OutboxMessage
from supervision import selectors, services
from supervision.models import SupervisionGroup, SupervisionSession
from tests import factories
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session


def test_the_time_slots_follow_the_running_order(
    upcoming: SupervisionSession, north: Team, alice: User, gina: User
) -> None:
    a = gcs.add_item(upcoming, factories.make_family(team=north, practitioner=alice), alice, duration_minutes=30)
    b = gcs.add_item(upcoming, factories.make_family(team=north, practitioner=alice), alice, duration_minutes=15)
    rows = selectors.agenda_rows(session=upcoming, user=gina)
    assert [r.item.pk for r in rows] == [a.pk, b.pk]
    assert rows[1].slot_start == upcoming.start + dt.timedelta(minutes=30)
    services.move_item(item=b, direction="up", by=gina)
    rows = selectors.agenda_rows(session=upcoming, user=gina)
    assert [r.item.pk for r in rows] == [b.pk, a.pk]
    assert rows[0].slot_start == upcoming.start and rows[1].slot_start == upcoming.start + dt.timedelta(minutes=15)


def test_only_the_teams_open_families_and_member_presenters_can_be_added(
    upcoming: SupervisionSession, south_family: Family, north: Team, alice: User, bob: User
) -> None:
    with pytest.raises(ValidationError, match="open to this group's team"):
        gcs.add_item(upcoming, south_family, alice)
    with pytest.raises(ValidationError, match="member of the group"):
        gcs.add_item(upcoming, factories.make_family(team=north), bob)
    closed = factories.make_family(team=north, opened_on=dt.date(2020, 1, 1), closed_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="closed"):
        gcs.add_item(upcoming, closed, alice)


def test_families_not_discussed_for_28_days_are_due_and_can_be_added_in_one_action(
    north_group: SupervisionGroup, upcoming: SupervisionSession, north: Team, alice: User, gina: User, mo: User
) -> None:
    recent = factories.make_family(team=north, practitioner=alice)
    stale = factories.make_family(team=north, practitioner=alice)
    never = factories.make_family(team=north, practitioner=alice)
    orphan = factories.make_family(team=north, practitioner=mo)  # mo is a member too
    nobody = factories.make_family(team=north)  # no allocated worker
    held_session(north_group, recent, alice, days_ago=5)
    held_session(north_group, stale, alice, days_ago=40)
    due = {d.family.pk for d in selectors.families_due(group=north_group, session=upcoming)}
    assert due == {stale.pk, never.pk, orphan.pk, nobody.pk}
    result = services.add_due_families(session=upcoming, by=gina)
    assert {i.family_id for i in result.added} == {stale.pk, never.pk, orphan.pk}
    assert [f.pk for f in result.without_presenter] == [nobody.pk]
    assert selectors.families_due(group=north_group, session=upcoming)[0].family == nobody


def test_open_actions_from_the_previous_discussion_are_carried_onto_the_agenda(
    north_group: SupervisionGroup, upcoming: SupervisionSession, north_family: Family, alice: User, gina: User
) -> None:
    earlier = held_session(north_group, north_family, alice, days_ago=30)
    overdue = services.add_action(
        item=earlier.items.get(),
        description="Speak to school",
        owner=alice,
        due_on=timezone.localdate() - dt.timedelta(days=1),
        by=gina,
    )
    done = services.add_action(
        item=earlier.items.get(), description="Done already", owner=alice, due_on=timezone.localdate(), by=gina
    )
    services.set_action_done(action=done, done=True, by=alice)
    gcs.add_item(upcoming, north_family, alice)
    row = selectors.agenda_rows(session=upcoming, user=gina)[0]
    assert [a.pk for a in row.carried_actions] == [overdue.pk]
    assert row.carried_actions[0].is_overdue


def test_publishing_the_agenda_tells_every_member_with_case_references_only(
    upcoming_with_item: SupervisionSession, gina: User, north_family: Family
) -> None:
    told = services.publish_agenda(session=upcoming_with_item, by=gina)
    emails = OutboxMessage.objects.filter(template="gcs_agenda_published")
    assert told == emails.count() == 4  # alice, mo, sam, gina
    for email in emails:
        assert north_family.case_reference in email.text
        assert north_family.family_name not in email.text + email.html + email.subject
        assert f"/gcs/sessions/{upcoming_with_item.pk}/" in email.text


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
def test_a_presenter_without_papers_is_reminded_before_the_deadline_until_they_upload(
    upcoming_with_item: SupervisionSession, alice: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.uploads_corpus import minimal_pdf

    item = upcoming_with_item.items.get()
    reminder = Reminder.objects.get(key=f"gcs:item:{item.pk}:papers-missing")
    assert reminder.recipient_email == alice.email and reminder.status == "pending"
    assert reminder.due_at < upcoming_with_item.papers_due_at
    services.upload_paper(item=item, upload=SimpleUploadedFile("p.pdf", minimal_pdf()), by=alice)
    reminder.refresh_from_db()
    assert reminder.status == "withdrawn"


def test_moving_the_session_moves_the_papers_deadline_and_its_reminder(
    upcoming_with_item: SupervisionSession, gina: User
) -> None:
    item = upcoming_with_item.items.get()
    before = Reminder.objects.get(key=f"gcs:item:{item.pk}:papers-missing").due_at
    new_start = upcoming_with_item.start + dt.timedelta(days=7)
    services.move_session(session=upcoming_with_item, start=new_start, end=new_start + dt.timedelta(hours=2), by=gina)
    after = Reminder.objects.get(key=f"gcs:item:{item.pk}:papers-missing").due_at
    assert after - before == dt.timedelta(days=7)
