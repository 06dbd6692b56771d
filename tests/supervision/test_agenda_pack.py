"""The printable agenda and the agenda-pack PDF: times, presenters, papers, carried actions, the marking."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Team, User
from core.models import AuditAction, AuditEvent
from families.models import Family
from supervision import services
from supervision.models import SupervisionGroup, SupervisionSession
from tests import factories
from tests.core.uploads_corpus import minimal_pdf
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session


@pytest.fixture
def pack_session(
    north_group: SupervisionGroup, north: Team, north_family: Family, alice: User, gina: User
) -> SupervisionSession:
    earlier = held_session(north_group, north_family, alice, days_ago=30)
    services.add_action(
        item=earlier.items.get(),
        description="Ask the school about attendance",
        owner=alice,
        due_on=timezone.localdate(),
        by=gina,
    )
    session = gcs.make_session(group=north_group)
    gcs.add_item(session, north_family, alice)
    # Enough families to run over more than one page.
    for _ in range(14):
        gcs.add_item(session, factories.make_family(team=north, practitioner=alice), alice, duration_minutes=5)
    return session


@pytest.mark.usefixtures("clamd")
def test_the_agenda_pack_pdf_has_times_presenters_papers_and_carried_actions_and_the_marking_on_every_page(
    pack_session: SupervisionSession, north_family: Family, alice: User, mo: User, client_for: Callable[[User], Client]
) -> None:
    item = pack_session.items.get(family=north_family)
    services.upload_paper(item=item, upload=SimpleUploadedFile("Smith family report.pdf", minimal_pdf()), by=alice)
    response = client_for(mo).get(f"/gcs/sessions/{pack_session.pk}/agenda.pdf")
    assert response["Content-Type"] == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) > 1
    assert all(text.count("OFFICIAL-SENSITIVE") >= 2 for text in pages)
    text = "\n".join(pages)
    start = timezone.localtime(pack_session.start)
    assert f"{start:%H:%M}" in text
    assert "Alice Practitioner" in text
    assert north_family.case_reference in text
    assert "Ask the school about attendance" in text
    assert "Paper 1 (PDF" in text
    # The pack may be printed or passed on: no family name, not even inside a paper's name.
    assert north_family.family_name not in text and "Smith" not in text
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD, object_id=str(pack_session.pk))
    assert event.detail == {"document": "agenda_pack"}


def test_the_printable_agenda_lists_the_running_order_and_is_audited(
    pack_session: SupervisionSession, north_family: Family, mo: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(mo).get(f"/gcs/sessions/{pack_session.pk}/agenda/print/")
    assert response.status_code == 200
    assert b"Ask the school about attendance" in response.content
    assert b'class="kf-print-marking">OFFICIAL-SENSITIVE<' in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(pack_session.pk), detail__page="agenda_print"
    ).exists()
