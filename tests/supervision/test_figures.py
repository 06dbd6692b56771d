"""Figures for managers: the numbers per group and across groups, as table and CSV, in a fixed number of queries."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Team, User
from core.models import AuditAction, AuditEvent
from families.models import Family
from supervision import services
from supervision.figures import all_figures
from supervision.models import AttendanceStatus, Discipline, SupervisionGroup, SupervisionSession
from tests import factories
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session


def figure(response: object, slug: str) -> list[list[object]]:
    return next(f.rows for f in response.context["figures"] if f.slug == slug)  # type: ignore[attr-defined]


def _year_of(group: SupervisionGroup, family: Family, presenter: User, chair: User, specialist: User) -> None:
    """Three sessions held (the specialist at one), one cancelled, minutes of one circulated."""
    for days_ago in (60, 30, 2):
        session = held_session(group, family, presenter, days_ago=days_ago)
        statuses = {presenter.pk: AttendanceStatus.PRESENT, chair.pk: AttendanceStatus.PRESENT}
        statuses[specialist.pk] = AttendanceStatus.PRESENT if days_ago == 30 else AttendanceStatus.APOLOGIES
        services.record_attendance(session=session, statuses=statuses, by=group.coordinator)
    cancelled = gcs.make_past_session(group=group, days_ago=20)
    SupervisionSession.objects.filter(pk=cancelled.pk).update(status="cancelled")
    SupervisionSession.objects.filter(group=group, start__lt=cancelled.start).order_by("start").filter(
        pk=SupervisionSession.objects.filter(group=group).order_by("start").values("pk")[:1]
    ).update(turnaround_working_hours=Decimal("3.50"), first_circulated_at=cancelled.start)


def test_a_manager_sees_sessions_attendance_and_turnaround_for_their_group(
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    sam: User,
    client_for: Callable[[User], Client],
) -> None:
    _year_of(north_group, north_family, alice, mo, sam)
    response = client_for(mo).get("/gcs/figures/")
    assert figure(response, "sessions-held") == [[north_group.name, 4, 3, 1, 75]]
    attendance = {row[1]: row[2:] for row in figure(response, "attendance")}
    assert attendance["Adult mental health"] == [3, 1, 33]
    assert attendance["Chair"] == [3, 3, 100]
    assert attendance["Domestic abuse"] == [3, 0, 0]
    [turnaround] = figure(response, "turnaround")
    assert turnaround == [north_group.name, 1, 3.5, 3.5, 2]
    [papers] = figure(response, "papers")
    assert papers[1:] == [3, 0, 0, 3, 0]
    assert b'role="region" aria-label="Attendance by discipline"' in response.content


def test_a_manager_of_two_groups_sees_a_row_across_the_service(
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    sam: User,
    gina: User,
    client_for: Callable[[User], Client],
) -> None:
    _year_of(north_group, north_family, alice, mo, sam)
    east = factories.make_team("East")
    east.managers.add(mo)
    east_group = gcs.make_group(team=east, coordinator=gina, members={mo: Discipline.CHAIR}, name="GCS East")
    gcs.make_past_session(group=east_group, days_ago=5)
    rows = figure(client_for(mo).get("/gcs/figures/"), "sessions-held")
    assert rows[-1] == ["All groups", 5, 4, 1, 80]


def test_overdue_actions_are_counted_by_owner(
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    gina: User,
    client_for: Callable[[User], Client],
) -> None:
    session = held_session(north_group, north_family, alice, days_ago=10)
    for owner in (alice, alice, mo):
        services.add_action(
            item=session.items.get(), description="Do", owner=owner, due_on=session.start.date(), by=gina
        )
    rows = figure(client_for(gina).get("/gcs/figures/"), "overdue")
    assert rows == [[north_group.name, "Alice Practitioner", 2], [north_group.name, "Mo Manager", 1]]


def test_each_figure_downloads_as_csv_and_the_export_is_audited(
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    sam: User,
    client_for: Callable[[User], Client],
) -> None:
    _year_of(north_group, north_family, alice, mo, sam)
    response = client_for(mo).get("/gcs/figures/sessions-held.csv?months=3")
    table = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert table == [["Group", "Planned", "Held", "Cancelled", "Held (%)"], [north_group.name, "4", "3", "1", "75"]]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"export": "sessions-held", "months": "3"}
    assert client_for(mo).get("/gcs/figures/nonsense.csv").status_code == 404


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_practitioners_do_not_see_figures(
    persona: str, request: pytest.FixtureRequest, north_group: SupervisionGroup, client_for: Callable[[User], Client]
) -> None:
    assert client_for(request.getfixturevalue(persona)).get("/gcs/figures/").status_code == 404


def test_figures_take_the_same_number_of_queries_however_much_data(
    north_group: SupervisionGroup, north: Team, north_family: Family, alice: User, mo: User, sam: User
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            all_figures([north_group], months=12)
        return len(ctx.captured_queries)

    held_session(north_group, north_family, alice, days_ago=3)
    small = count()
    _year_of(north_group, factories.make_family(team=north, practitioner=alice), alice, mo, sam)
    assert count() == small
