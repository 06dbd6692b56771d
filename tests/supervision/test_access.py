"""Who sees a group's agendas, papers and minutes, and the audit of every view and download."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from core.models import AuditEvent, Family, User
from supervision import services
from supervision.models import SupervisionGroup, SupervisionSession


def test_a_member_removed_loses_access_at_once(
    north_group: SupervisionGroup,
    upcoming_with_item: SupervisionSession,
    alice: User,
    gina: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(alice)
    assert client.get(f"/gcs/sessions/{upcoming_with_item.pk}/").status_code == 200
    services.remove_member(member=north_group.members.get(user=alice), by=gina)
    assert client.get(f"/gcs/sessions/{upcoming_with_item.pk}/").status_code == 404
    assert client.get(f"/gcs/sessions/{upcoming_with_item.pk}/minutes/").status_code == 404
    assert client.get(f"/gcs/groups/{north_group.pk}/").status_code == 404


def test_a_partner_agency_member_sees_the_case_reference_but_not_the_family_name(
    upcoming_with_item: SupervisionSession,
    sam: User,
    mo: User,
    north_family: Family,
    client_for: Callable[[User], Client],
) -> None:
    as_sam = client_for(sam).get(f"/gcs/sessions/{upcoming_with_item.pk}/").content.decode()
    assert north_family.case_reference in as_sam
    assert north_family.family_name not in as_sam
    as_mo = client_for(mo).get(f"/gcs/sessions/{upcoming_with_item.pk}/").content.decode()
    assert north_family.family_name in as_mo


def test_a_practitioner_of_another_team_gets_404_everywhere(
    upcoming_with_item: SupervisionSession, bob: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(bob)
    item = upcoming_with_item.items.get()
    for url in [
        f"/gcs/sessions/{upcoming_with_item.pk}/",
        f"/gcs/sessions/{upcoming_with_item.pk}/minutes/",
        f"/gcs/sessions/{upcoming_with_item.pk}/papers.zip",
        f"/gcs/items/{item.pk}/papers/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get("/gcs/").content.decode().count("/gcs/groups/") == 0


def test_viewing_the_agenda_and_the_minutes_is_audited(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    client.get(f"/gcs/sessions/{upcoming_with_item.pk}/")
    client.get(f"/gcs/sessions/{upcoming_with_item.pk}/minutes/")
    pages = sorted(
        e.detail["page"]
        for e in AuditEvent.objects.filter(
            action="view",
            actor=alice,
            object_type="supervision.SupervisionSession",
            object_id=str(upcoming_with_item.pk),
        )
    )
    assert pages == ["agenda", "minutes"]


def test_a_member_of_the_team_who_is_not_in_the_group_sees_nothing(
    upcoming_with_item: SupervisionSession, north: object, client_for: Callable[[User], Client]
) -> None:
    from core.models import Role
    from tests import factories

    carol = factories.make_user("carol@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,))  # type: ignore[arg-type]
    assert client_for(carol).get(f"/gcs/sessions/{upcoming_with_item.pk}/").status_code == 404
