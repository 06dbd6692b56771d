"""Groups and agenda items that can be changed: several groups per team, editable items,
"add all due" that links what it skipped, action owners beyond the members, and guests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, Team, User
from diary.models import MeetingAttendee
from families.models import Family
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import AgendaItem, Discipline, SupervisionGroup, SupervisionSession
from supervision.services.snapshot import build_snapshot
from tests import factories
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session


def test_a_team_may_run_two_groups_but_not_two_of_the_same_name(north: Team, gina: User) -> None:
    pods = [gcs.make_group(team=north, coordinator=gina, name=name) for name in ("Pod A", "Pod B")]
    assert {g.team_id for g in pods} == {north.pk}
    with pytest.raises(ValidationError) as refused:
        gcs.make_group(team=north, coordinator=gina, name="pod a")
    assert "already has a group called" in refused.value.message_dict["name"][0]


def test_creating_a_group_offers_a_second_one_for_a_team_that_already_has_one(
    client_for: Any, north_group: SupervisionGroup, gina: User, north: Team
) -> None:
    page = client_for(gina).get("/gcs/groups/new/")
    assert page.status_code == 200
    assert f'value="{north.pk}"' in page.content.decode()


def test_creating_a_group_without_a_team_says_why_and_what_to_do_instead_of_an_empty_choice(
    client_for: Any, db: None
) -> None:
    lone = factories.make_user("lone@example.gov.uk", full_name="Lone Coordinator", roles=(Role.GCS_COORDINATOR,))
    page = client_for(lone).get("/gcs/groups/new/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "You cannot create a group yet" in text
    assert "Ask your Kinfolk administrator to add you to your team" in text
    assert 'name="team"' not in text


def test_an_agenda_item_can_be_given_another_presenter_slot_and_specialists(
    upcoming_with_item: SupervisionSession, gina: User, mo: User, sam: User, alice: User
) -> None:
    item = upcoming_with_item.items.get()
    services.update_item(item=item, presenter=mo, duration_minutes=35, specialists=[sam], by=gina)
    item.refresh_from_db()
    assert (item.presenter, item.duration_minutes, list(item.specialists.all())) == (mo, 35, [sam])
    with pytest.raises(ValidationError, match="adult specialists"):
        services.update_item(item=item, presenter=mo, duration_minutes=35, specialists=[alice], by=gina)


def test_the_change_page_saves_an_agenda_item(
    client_for: Any, upcoming_with_item: SupervisionSession, gina: User, mo: User
) -> None:
    item = upcoming_with_item.items.get()
    client = client_for(gina)
    assert client.get(f"/gcs/items/{item.pk}/edit/").status_code == 200
    response = client.post(f"/gcs/items/{item.pk}/edit/", {"presenter": mo.pk, "duration_minutes": 25})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.presenter, item.duration_minutes) == (mo, 25)


def test_add_all_due_links_each_family_it_skipped_to_adding_it_by_hand(
    client_for: Any, upcoming: SupervisionSession, gina: User, north: Team, north_family: Family, bob: User
) -> None:
    skipped = factories.make_family(team=north, practitioner=bob)  # bob is not in the North group
    client = client_for(gina)
    response = client.post(f"/gcs/sessions/{upcoming.pk}/agenda/add-due/", follow=True)
    text = response.content.decode()
    assert AgendaItem.objects.filter(session=upcoming, family=north_family).exists()
    assert not AgendaItem.objects.filter(session=upcoming, family=skipped).exists()
    assert f"?family={skipped.pk}#id_family" in text
    assert f"Add {skipped.case_reference} by hand" in text
    by_hand = client.get(f"/gcs/sessions/{upcoming.pk}/agenda/add/?family={skipped.pk}").content.decode()
    assert f'value="{skipped.case_reference}"' in by_hand


def test_an_action_can_go_to_someone_outside_the_group_from_the_minutes_page(
    client_for: Any, north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, bob: User
) -> None:
    session = held_session(north_group, north_family, alice)
    item = session.items.get()
    page = client_for(gina).get(f"/gcs/sessions/{session.pk}/minutes/").content.decode()
    assert f'<option value="{bob.pk}">{bob.full_name}</option>' in page
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    client_for(gina).post(
        f"/gcs/items/{item.pk}/actions/", {"description": "Ask school", "owner": bob.pk, "due_on": due}
    )
    assert item.actions.get().owner == bob


@pytest.fixture
def guest_session(upcoming_with_item: SupervisionSession, gina: User) -> SupervisionSession:
    services.invite_guest(
        session=upcoming_with_item,
        name="Nina Nurse",
        email="Nina@School.example",
        role="School nurse",
        organisation="Northside Academy",
        by=gina,
    )
    return upcoming_with_item


def test_a_guest_is_invited_to_one_session_through_the_diary(
    guest_session: SupervisionSession, north_group: SupervisionGroup
) -> None:
    attendee = MeetingAttendee.objects.current().get(meeting=guest_session.meeting, email="nina@school.example")
    assert attendee.user is None
    invites = OutboxMessage.objects.filter(to__icontains="nina@school.example", calendar_method="REQUEST")
    assert invites.count() == 1
    assert "Nina" not in invites.get().calendar  # an outsider's name stays in Kinfolk
    other = gcs.make_session(group=north_group, day=gcs.working_day_from_today(40))
    assert not MeetingAttendee.objects.filter(meeting=other.meeting, email="nina@school.example").exists()


def test_a_guest_stays_invited_when_the_groups_members_change(
    guest_session: SupervisionSession, north_group: SupervisionGroup, gina: User, bob: User
) -> None:
    services.add_member(group=north_group, user=bob, discipline=Discipline.OTHER, by=gina)
    assert MeetingAttendee.objects.current().filter(meeting=guest_session.meeting, email="nina@school.example").exists()
    assert not OutboxMessage.objects.filter(to__icontains="nina@school.example", calendar_method="CANCEL").exists()


def test_withdrawing_a_guest_sends_them_a_cancellation(guest_session: SupervisionSession, gina: User) -> None:
    services.remove_guest(guest=guest_session.guests.get(), by=gina)
    assert (
        not MeetingAttendee.objects.current()
        .filter(meeting=guest_session.meeting, email="nina@school.example")
        .exists()
    )
    assert OutboxMessage.objects.filter(to__icontains="nina@school.example", calendar_method="CANCEL").exists()


def test_a_member_cannot_also_be_a_guest(upcoming: SupervisionSession, gina: User, alice: User) -> None:
    with pytest.raises(ValidationError, match="already invited"):
        services.invite_guest(session=upcoming, name="Alice", email=alice.email, role="Social worker", by=gina)


def test_a_guests_attendance_is_recorded_and_in_the_minutes_with_their_role(
    client_for: Any, guest_session: SupervisionSession, gina: User, alice: User
) -> None:
    session = guest_session
    start = timezone.now() - dt.timedelta(hours=1)
    SupervisionSession.objects.filter(pk=session.pk).update(start=start, end=start + dt.timedelta(hours=2))
    guest = session.guests.get()
    client = client_for(gina)
    page = client.get(f"/gcs/sessions/{session.pk}/attendance/").content.decode()
    assert f'name="guest_{guest.pk}"' in page
    client.post(
        f"/gcs/sessions/{session.pk}/attendance/", {f"user_{alice.pk}": "present", f"guest_{guest.pk}": "present"}
    )
    guest.refresh_from_db()
    assert guest.attendance == "present"
    minutes = client.get(f"/gcs/sessions/{session.pk}/minutes/").content.decode()
    assert "Nina Nurse (School nurse, Northside Academy (guest))" in minutes
    session.refresh_from_db()
    present = build_snapshot(session)["present"]
    assert {"name": "Nina Nurse", "discipline": "School nurse, Northside Academy (guest)"} in present


def test_the_guest_pages_work_for_the_coordinator(client_for: Any, upcoming: SupervisionSession, gina: User) -> None:
    client = client_for(gina)
    assert client.get(f"/gcs/sessions/{upcoming.pk}/guests/invite/").status_code == 200
    response = client.post(
        f"/gcs/sessions/{upcoming.pk}/guests/invite/",
        {"name": "Pat Probation", "email": "pat@probation.example", "role": "Probation officer"},
    )
    assert response.status_code == 302
    assert upcoming.guests.get().role_label == "Probation officer (guest)"


def test_an_owner_from_outside_the_group_finds_their_action_and_marks_it_done(
    client_for: Any, north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, bob: User
) -> None:
    session = held_session(north_group, north_family, alice)
    action = services.add_action(
        item=session.items.get(), description="Ask school", owner=bob, due_on=timezone.localdate(), by=gina
    )
    client = client_for(bob)
    page = client.get("/gcs/actions/mine/").content.decode()
    assert "Ask school" in page and north_family.case_reference in page
    assert north_family.family_name not in page
    assert client.get(f"/gcs/groups/{north_group.pk}/actions/").status_code == 404  # still not a member
    response = client.post(f"/gcs/actions/{action.pk}/status/", {"done": "on"})
    assert response.status_code == 302 and response["Location"] == "/gcs/actions/mine/"
    action.refresh_from_db()
    assert action.status == "done"
