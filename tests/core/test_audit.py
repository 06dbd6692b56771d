"""The append-only audit trail: reads, downloads and every change to case records and accounts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AppendOnlyError, AuditAction, AuditEvent
from families.models import Family
from tests import factories


def test_creating_and_changing_a_family_is_audited_whoever_does_it(north, alice) -> None:
    family = factories.make_family(team=north, practitioner=alice, children=0)
    family.level_of_need = 5
    family.save()
    actions = list(
        AuditEvent.objects.filter(object_type="families.Family", object_id=str(family.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "update"]


def test_a_change_made_in_the_django_admin_names_the_administrator(client_for, ada, north) -> None:
    client_for(ada).post(
        reverse("admin:accounts_team_change", args=[north.pk]),
        {
            "name": "Family Safeguarding Team North (renamed)",
            "service": "Family Safeguarding",
            "members": [],
            "managers": [],
        },
    )
    event = AuditEvent.objects.filter(object_type="accounts.Team", action="update").latest("at")
    assert event.actor_email == ada.email
    assert event.path == f"/django-admin/accounts/team/{north.pk}/change/"


def test_team_membership_changes_are_audited(north, bob) -> None:
    north.members.add(bob)
    event = AuditEvent.objects.filter(object_type="accounts.Team", action="update").latest("id")
    assert event.detail == {"relation": "team_members", "change": "add", "ids": [bob.pk]}


def test_signing_in_and_failing_to_are_audited(alice) -> None:
    client = Client()
    client.post(reverse("account_login"), {"login": alice.email, "password": "wrong"})
    client.post(reverse("account_login"), {"login": alice.email, "password": factories.PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": factories.current_totp_code()})
    actions = list(AuditEvent.objects.filter(action__in=["login", "login_failed"]).values_list("action", flat=True))
    assert sorted(actions) == ["login", "login_failed"]


@pytest.mark.django_db(transaction=True)
def test_a_view_must_be_audited_inside_its_transaction(rf, alice, north_family) -> None:
    request = rf.get("/")
    request.user = alice
    with pytest.raises(RuntimeError):
        audit.record_view(request, north_family)


def test_a_rolled_back_change_leaves_no_audit_row(north, alice) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.make_family(team=north, practitioner=alice)
        raise RuntimeError
    assert not AuditEvent.objects.filter(object_type="families.Family").exists()
    assert Family.objects.count() == 0


def test_audit_rows_cannot_be_changed_or_deleted_through_the_application(alice) -> None:
    event = audit.record(action=AuditAction.EXPORT, object_type="test", object_id="1")
    event.action = "view"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="view")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "export"


def test_the_admin_offers_no_way_to_add_change_or_delete_audit_rows(client_for, ada) -> None:
    event = audit.record(action=AuditAction.EXPORT, object_type="test", object_id="1")
    client = client_for(ada)
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    change = client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "view"})
    assert change.status_code in (200, 403)
    assert AuditEvent.objects.get(pk=event.pk).action == "export"


@pytest.mark.postgres
def test_postgresql_refuses_to_rewrite_audit_rows_even_with_raw_sql(alice) -> None:
    event = audit.record(action=AuditAction.EXPORT, object_type="test", object_id="1")
    for statement in (
        "UPDATE core_auditevent SET action = 'view' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "export"


def test_the_audit_log_page_filters_by_user_action_record_and_date(client_for, ada, alice, bob, north_family) -> None:
    client_for(alice).get(reverse("families:family_detail", args=[north_family.pk]))
    client_for(bob).get("/")
    client = client_for(ada)
    response = client.get(
        reverse("accounts:audit_log"), {"actor": alice.email, "action": "view", "object_type": "families.Family"}
    )
    events = list(response.context["page_obj"])
    assert len(events) == 1
    assert events[0].object_id == str(north_family.pk)
    today = dt.date.today().isoformat()  # noqa: DTZ011  (the form takes the date as typed)
    response = client.get(reverse("accounts:audit_log"), {"date_from": today, "date_to": today, "action": "view"})
    assert len(list(response.context["page_obj"])) == 1
    response = client.get(reverse("accounts:audit_log"), {"date_from": "2020-01-02", "date_to": "2020-01-01"})
    assert "date_to" in response.context["form"].errors


def test_opening_a_family_in_the_django_admin_is_audited(client_for, mo, north_family, south_family) -> None:
    from django.contrib.auth.models import Permission

    # A manager who is also given admin access to family records (not a default role).
    mo.is_staff = True
    mo.save()
    mo.user_permissions.add(Permission.objects.get(codename="view_family"))
    client = client_for(mo)
    assert client.get(reverse("admin:families_family_change", args=[north_family.pk])).status_code == 200
    event = AuditEvent.objects.get(action="view", object_type="families.Family")
    assert (event.actor_id, event.object_id, event.detail) == (mo.pk, str(north_family.pk), {"page": "admin"})
    # Another team's family is not found there either, and nothing is recorded as read.
    assert client.get(reverse("admin:families_family_change", args=[south_family.pk])).status_code == 302
    assert AuditEvent.objects.filter(action="view").count() == 1


def test_a_response_links_token_never_reaches_the_audit_trail(alice, gina) -> None:
    from diary.models import MeetingKind
    from diary.responses import response_links
    from diary.services import AttendeeSpec, schedule_meeting

    start = timezone.now() + dt.timedelta(days=3)
    meeting = schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – North",
        organiser=gina,
        start=start,
        end=start + dt.timedelta(hours=1),
        link_path="/diary/",
        attendees=[AttendeeSpec(user=alice)],
    )
    link = response_links(meeting, meeting.attendees.get(user=alice))["accepted"]
    path = "/" + link.split("/", 3)[3]
    Client().post(path)
    token = path.rstrip("/").rsplit("/", 1)[-1]
    paths = list(AuditEvent.objects.values_list("path", flat=True))
    assert "/diary/respond/[hidden]/" in paths
    assert not any(token in p for p in paths)
