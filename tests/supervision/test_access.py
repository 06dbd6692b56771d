"""Who sees a group's agendas, papers and minutes, and the audit of every view and download."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import User
from core.models import AuditEvent
from families.models import Family
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
    from accounts.models import Role
    from tests import factories

    carol = factories.make_user("carol@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,))  # type: ignore[arg-type]
    assert client_for(carol).get(f"/gcs/sessions/{upcoming_with_item.pk}/").status_code == 404


def _views(user: User, page: str) -> int:
    return AuditEvent.objects.filter(action="view", actor=user, detail__page=page).count()


def test_every_page_showing_case_content_audits_the_view(
    north_group: SupervisionGroup,
    upcoming_with_item: SupervisionSession,
    gina: User,
    mo: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(gina)
    item = upcoming_with_item.items.get()
    session = upcoming_with_item.pk
    for url, page in [
        (f"/gcs/groups/{north_group.pk}/", "group"),
        (f"/gcs/sessions/{session}/attendance/", "attendance"),
        (f"/gcs/sessions/{session}/agenda/add/", "agenda_add"),
        (f"/gcs/items/{item.pk}/papers/", "paper_upload"),
    ]:
        assert client.get(url).status_code == 200, url
        assert _views(gina, page) == 1, page


def test_the_conflict_page_without_javascript_is_audited(
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    gina: User,
    mo: User,
    client_for: Callable[[User], Client],
) -> None:
    from tests.supervision.helpers import held_session

    held = held_session(north_group, north_family, alice)
    item = held.items.get()
    services.save_entry(item=item, section="worries", text="Theirs", base_version=0, by=mo)
    response = client_for(gina).post(f"/gcs/items/{item.pk}/minutes/worries/", {"text": "Mine", "version": "0"})
    assert "choose which text to keep" in response.content.decode()
    assert _views(gina, "entry_conflict") == 1
    # The autosave's conflict panel shows the other text too: also a read.
    htmx = client_for(gina).post(
        f"/gcs/items/{item.pk}/minutes/worries/", {"text": "Mine again", "version": "0"}, HTTP_HX_REQUEST="true"
    )
    assert "Theirs" in htmx.content.decode()
    assert _views(gina, "entry_conflict") == 2


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
def test_the_audit_trail_never_holds_a_papers_file_name_or_a_typed_reason(
    north_group: SupervisionGroup,
    upcoming_with_item: SupervisionSession,
    north_family: Family,
    alice: User,
    gina: User,
    mo: User,
    client_for: Callable[[User], Client],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.uploads_corpus import minimal_pdf
    from tests.supervision.helpers import held_session, minute_and_submit

    item = upcoming_with_item.items.get()
    paper = services.upload_paper(
        item=item, upload=SimpleUploadedFile("Smithson chronology.pdf", minimal_pdf()), by=alice
    )
    client = client_for(alice)
    assert client.get(f"/gcs/papers/{paper.pk}/").status_code == 200
    assert client.post(f"/gcs/papers/{paper.pk}/delete/").status_code == 302
    held = held_session(north_group, north_family, alice)
    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    services.approve_minutes(session=held, by=mo)
    services.start_correction(session=held, reason="Smithson's date of birth was wrong", by=gina)
    paper_events = AuditEvent.objects.filter(object_type="supervision.Paper", object_id=str(paper.pk))
    assert set(paper_events.values_list("action", flat=True)) == {"create", "download", "delete"}
    for event in paper_events:
        assert event.detail["sha256"] == paper.sha256
    for event in AuditEvent.objects.filter(object_type__startswith="supervision."):
        assert "Smithson" not in f"{event.detail} {event.object_repr}", event.action
