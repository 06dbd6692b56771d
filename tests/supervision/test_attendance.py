"""respond_in_app, nudge_unconfirmed, record_attendance and the coordinator's warnings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from diary.models import MeetingAttendee
from outbox.models import OutboxMessage
from supervision import selectors, services
from supervision.models import Attendance, SupervisionSession
from tests.supervision import factories as gcs


def _warnings(session: SupervisionSession, user: User) -> list[str]:
    rows = selectors.attendance_rows(session=session)
    return selectors.attendance_warnings(
        session=session, rows=rows, agenda=selectors.agenda_rows(session=session, user=user)
    )


def test_warnings_name_an_unconfirmed_chair_presenter_and_specialists(
    upcoming: SupervisionSession, north_family: object, alice: User, mo: User, sam: User, gina: User
) -> None:
    gcs.add_item(upcoming, north_family, alice, specialists=[sam])  # type: ignore[arg-type]
    warnings = _warnings(upcoming, gina)
    assert "No chair has confirmed they are coming." in warnings
    assert any("presenting worker, Alice Practitioner, has not confirmed" in w for w in warnings)
    assert any("adult specialists" in w and "Sam Specialist" in w for w in warnings)
    for person in (alice, mo, sam):
        services.respond_in_app(session=upcoming, user=person, response="accepted")
    assert _warnings(upcoming, gina) == []


def test_nudging_emails_only_those_who_have_not_confirmed_and_once_a_day(
    upcoming: SupervisionSession, alice: User, mo: User, gina: User
) -> None:
    services.respond_in_app(session=upcoming, user=alice, response="accepted")
    services.respond_in_app(session=upcoming, user=mo, response="declined")
    assert services.nudge_unconfirmed(session=upcoming, by=gina) == 2  # sam and gina
    assert services.nudge_unconfirmed(session=upcoming, by=gina) == 0  # both were nudged today already
    nudges = OutboxMessage.objects.filter(template="gcs_nudge")
    assert sorted(n.to[0] for n in nudges) == ["gina@example.gov.uk", "sam@example.gov.uk"]


def test_an_in_app_answer_is_recorded_on_the_invitation(upcoming: SupervisionSession, alice: User) -> None:
    services.respond_in_app(session=upcoming, user=alice, response="tentative")
    assert MeetingAttendee.objects.get(meeting=upcoming.meeting, user=alice).response == "tentative"


def test_someone_not_invited_cannot_answer(upcoming: SupervisionSession, bob: User) -> None:
    with pytest.raises(ValidationError, match="not invited"):
        services.respond_in_app(session=upcoming, user=bob, response="accepted")


def test_attendance_is_recorded_on_the_day_not_before(upcoming: SupervisionSession, alice: User, gina: User) -> None:
    with pytest.raises(ValidationError, match="on the day"):
        services.record_attendance(session=upcoming, statuses={alice.pk: "present"}, by=gina)


def test_attendance_and_apologies_are_recorded_for_invitees_only(
    north_group: object, alice: User, mo: User, bob: User, gina: User
) -> None:
    session = gcs.make_past_session(group=north_group)  # type: ignore[arg-type]
    services.record_attendance(session=session, statuses={alice.pk: "present", mo.pk: "apologies"}, by=gina)
    assert dict(Attendance.objects.values_list("user_id", "status")) == {alice.pk: "present", mo.pk: "apologies"}
    with pytest.raises(ValidationError, match="invited"):
        services.record_attendance(session=session, statuses={bob.pk: "present"}, by=gina)


def test_the_attendance_page_says_nobody_was_nudged_the_second_time(
    upcoming: SupervisionSession, gina: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(gina)
    first = client.post(f"/gcs/sessions/{upcoming.pk}/attendance/nudge/", follow=True).content.decode()
    assert "Reminder sent to 4 people" in first
    second = client.post(f"/gcs/sessions/{upcoming.pk}/attendance/nudge/", follow=True).content.decode()
    assert "Nobody was nudged" in second


def test_families_added_together_bring_the_specialists_from_their_last_discussion(
    north_group: object, upcoming: SupervisionSession, north: object, alice: User, sam: User, gina: User
) -> None:
    from tests import factories
    from tests.supervision.helpers import held_session

    known = factories.make_family(team=north, practitioner=alice)  # type: ignore[arg-type]
    new = factories.make_family(team=north, practitioner=alice)  # type: ignore[arg-type]
    earlier = held_session(north_group, known, alice, days_ago=40)  # type: ignore[arg-type]
    earlier.items.get().specialists.add(sam)
    services.add_due_families(session=upcoming, by=gina)
    assert list(upcoming.items.get(family=known).specialists.all()) == [sam]
    warnings = _warnings(upcoming, gina)
    assert any(known.case_reference in w and "Sam Specialist" in w and "adult specialists" in w for w in warnings)
    assert f"{new.case_reference}: no adult specialists are set for this family" in " ".join(warnings)
