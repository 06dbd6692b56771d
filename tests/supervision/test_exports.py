"""CSV exports of the action tracker and of attendance per member: the right rows, safe cells, audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from accounts.models import User
from core.models import AuditAction, AuditEvent
from families.models import Family
from supervision import services
from supervision.models import AttendanceStatus, SupervisionGroup
from tests.supervision.helpers import held_session


def rows(response: object) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_action_tracker_exports_every_action_and_is_audited(
    north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, client_for: Callable[[User], Client]
) -> None:
    session = held_session(north_group, north_family, alice, days_ago=10)
    services.add_action(
        item=session.items.get(), description='=HYPERLINK("x")', owner=alice, due_on=session.start.date(), by=gina
    )
    response = client_for(alice).get(f"/gcs/groups/{north_group.pk}/actions.csv")
    assert response["Content-Type"].startswith("text/csv")
    header, row = rows(response)
    assert header[:5] == ["Case reference", "What", "Owner", "Due", "Status"]
    assert row[0] == north_family.case_reference
    assert row[1].startswith("'=")  # a spreadsheet would run it as a formula otherwise
    assert row[4] == "Overdue"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor_id, event.detail) == (alice.pk, {"export": "actions", "rows": 1})


def test_attendance_per_member_counts_each_persons_sessions(
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    gina: User,
    mo: User,
    sam: User,
    client_for: Callable[[User], Client],
) -> None:
    for days_ago, sam_status in ((1, AttendanceStatus.PRESENT), (0, AttendanceStatus.APOLOGIES)):
        session = held_session(north_group, north_family, alice, days_ago=days_ago)
        services.record_attendance(
            session=session,
            statuses={alice.pk: AttendanceStatus.PRESENT, mo.pk: AttendanceStatus.PRESENT, sam.pk: sam_status},
            by=gina,
        )
    header, *body = rows(client_for(gina).get(f"/gcs/groups/{north_group.pk}/attendance.csv"))
    assert header == ["Member", "Discipline", "Sessions recorded", "Present", "Apologies", "Absent", "Present (%)"]
    by_name = {row[0]: row for row in body}
    assert by_name["Sam Specialist"][1:] == ["Adult mental health", "2", "1", "1", "0", "50"]
    assert by_name["Alice Practitioner"][3] == "2"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__export="attendance").count() == 1
    assert (
        timezone.localdate().isoformat()
        in client_for(gina).get(f"/gcs/groups/{north_group.pk}/attendance.csv")["Content-Disposition"]
    )
