"""The GCS to-do list on the home page: what to act on, each linked to where, from what is known."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from diary.models import AttendeeResponse, MeetingAttendee
from diary.responses import record_response
from families.models import Family
from supervision import services
from supervision.models import AttendanceStatus, SupervisionGroup, SupervisionSession
from supervision.todo import TodoSection, todo_for
from tests import factories
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session, minute_and_submit


def section(user: User, title: str) -> TodoSection | None:
    return next((s for s in todo_for(user) if s.title == title), None)


def texts(user: User, title: str) -> list[str]:
    found = section(user, title)
    return [entry.text for entry in found.entries] if found else []


def in_progress(group: SupervisionGroup) -> SupervisionSession:
    """A session that started half an hour ago and runs on for an hour and a half."""
    session = gcs.make_session(group=group)
    start = timezone.now() - dt.timedelta(minutes=30)
    SupervisionSession.objects.filter(pk=session.pk).update(
        start=start, end=start + dt.timedelta(hours=2), papers_due_at=start - dt.timedelta(days=3)
    )
    session.refresh_from_db()
    return session


def test_the_coordinator_is_asked_to_write_the_minutes_of_a_held_session_and_linked_to_them(
    north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, client_for: Callable[[User], Client]
) -> None:
    session = held_session(north_group, north_family, alice, days_ago=1)
    [entry] = section(gina, "Minutes to write").entries  # type: ignore[union-attr]
    assert entry.url == f"/gcs/sessions/{session.pk}/minutes/"
    response = client_for(gina).get("/")
    assert b"Write the minutes" in response.content
    assert f'href="/gcs/sessions/{session.pk}/minutes/"'.encode() in response.content


def test_a_practitioner_member_is_not_asked_to_write_minutes(
    north_group: SupervisionGroup, north_family: Family, alice: User
) -> None:
    held_session(north_group, north_family, alice, days_ago=1)
    assert section(alice, "Minutes to write") is None


def test_submitted_minutes_go_to_the_chair_to_approve_and_returned_ones_back_to_the_writer(
    north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, mo: User
) -> None:
    session = held_session(north_group, north_family, alice, days_ago=0)
    minute_and_submit(session, by=gina, present=[alice, mo])
    assert len(texts(mo, "Minutes to approve")) == 1
    assert texts(gina, "Minutes to approve") == []
    services.return_minutes(session=session, comments="Add the child's view", by=mo)
    assert texts(mo, "Minutes to approve") == []
    assert len(texts(gina, "Minutes returned with comments")) == 1


def test_papers_missing_are_listed_with_their_deadline_by_case_reference(
    upcoming_with_item: SupervisionSession, north_family: Family, gina: User
) -> None:
    [text] = texts(gina, "Papers missing")
    assert north_family.case_reference in text
    assert north_family.family_name not in text
    assert f"{timezone.localtime(upcoming_with_item.papers_due_at):%-d %B %Y}" in text


def test_a_session_whose_chair_and_presenter_have_not_answered_is_flagged(
    upcoming_with_item: SupervisionSession, gina: User
) -> None:
    [text] = texts(gina, "Sessions without a confirmed chair or presenter")
    assert "no chair has confirmed" in text
    assert "Alice Practitioner" in text


def test_a_chair_and_presenter_who_accepted_are_confirmed(
    upcoming_with_item: SupervisionSession, gina: User, mo: User, alice: User
) -> None:
    for user in (mo, alice):
        assert upcoming_with_item.meeting is not None
        attendee = MeetingAttendee.objects.current().get(meeting=upcoming_with_item.meeting, user=user)
        record_response(attendee=attendee, response=AttendeeResponse.ACCEPTED)
    assert texts(gina, "Sessions without a confirmed chair or presenter") == []


def test_a_chair_recorded_present_is_not_reported_as_not_confirmed(
    north_group: SupervisionGroup, north_family: Family, gina: User, mo: User, alice: User
) -> None:
    session = in_progress(north_group)
    gcs.add_item(session, north_family, alice)
    assert "no chair has confirmed" in " ".join(texts(gina, "Sessions without a confirmed chair or presenter"))
    services.record_attendance(
        session=session, statuses={mo.pk: AttendanceStatus.PRESENT, alice.pk: AttendanceStatus.PRESENT}, by=gina
    )
    assert texts(gina, "Sessions without a confirmed chair or presenter") == []


def test_overdue_actions_are_counted_for_the_coordinator_and_for_their_owner(
    north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, bob: User
) -> None:
    session = held_session(north_group, north_family, alice, days_ago=10)
    services.add_action(
        item=session.items.get(), description="Visit", owner=alice, due_on=session.start.date(), by=gina
    )
    [coordinators] = section(gina, "Overdue actions").entries  # type: ignore[union-attr]
    assert coordinators.text == f"{north_group.name}: 1 overdue action"
    assert coordinators.url == f"/gcs/groups/{north_group.pk}/actions/?status=overdue"
    assert texts(alice, "Overdue actions") == [f"{north_group.name}: 1 overdue action of yours"]
    assert section(bob, "Overdue actions") is None


def test_a_family_discussed_today_or_on_an_agenda_to_come_is_never_due_for_discussion(
    north_group: SupervisionGroup, north: Team, north_family: Family, alice: User, gina: User
) -> None:
    factories.make_family(team=north, practitioner=alice)
    assert texts(gina, "Families due for discussion") == [
        f"{north_group.name}: 2 families not discussed recently and on no agenda"
    ]
    # Discussed this morning: the session ended an hour ago.
    held_session(north_group, north_family, alice, days_ago=0)
    assert texts(gina, "Families due for discussion") == [
        f"{north_group.name}: 1 family not discussed recently and on no agenda"
    ]


def test_the_group_page_does_not_count_a_family_on_a_coming_agenda_as_due(
    upcoming_with_item: SupervisionSession,
    north_group: SupervisionGroup,
    gina: User,
    client_for: Callable[[User], Client],
) -> None:
    response = client_for(gina).get(f"/gcs/groups/{north_group.pk}/")
    assert response.context["due_count"] == 0


def test_someone_with_nothing_to_do_is_told_so(
    north_group: SupervisionGroup, alice: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(alice).get("/")
    assert b"Nothing for you to do in Group Case Supervision." in response.content


def _home_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("clamd")
def test_the_home_page_uses_the_same_number_of_queries_as_groups_sessions_and_actions_grow(
    north_group: SupervisionGroup, north: Team, alice: User, gina: User, mo: User, client_for: Callable[[User], Client]
) -> None:
    days = iter(range(3, 60, 7))

    def grow(n: int) -> None:
        for _ in range(n):
            family = factories.make_family(team=north, practitioner=alice)
            held = held_session(north_group, family, alice, days_ago=10)
            services.add_action(item=held.items.get(), description="Do", owner=alice, due_on=held.start.date(), by=gina)
            coming = gcs.make_session(group=north_group, day=gcs.working_day_from_today(next(days)))
            gcs.add_item(coming, family, alice)

    grow(1)
    client = client_for(gina)
    small = _home_queries(client)
    grow(4)
    team = factories.make_team("East")
    gcs.make_group(team=team, coordinator=gina, members={mo: gcs.CHAIR}, name="GCS East")
    assert _home_queries(client) == small
