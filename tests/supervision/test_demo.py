"""build_demo_gcs: a group with approved past sessions and their PDFs, an upcoming agenda with papers; idempotent."""

from __future__ import annotations

import pytest

from families.demo import build_demo_borough
from supervision.demo import build_demo_gcs
from supervision.models import MinutesVersion, Paper, SupervisionSession
from tests.supervision.helpers import pdf_pages


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
@pytest.mark.django_db
def test_the_demo_has_past_minutes_with_pdfs_and_an_upcoming_agenda_and_can_run_twice() -> None:
    build_demo_borough()
    group = build_demo_gcs()
    assert group is not None
    versions = MinutesVersion.objects.filter(session__group=group)
    assert versions.count() == 3
    assert all(v.pdf for v in versions)
    assert "OFFICIAL-SENSITIVE" in pdf_pages(versions.first().pdf.name)[0]  # type: ignore[union-attr]
    upcoming = group.sessions.upcoming().first()
    assert upcoming is not None and upcoming.items.count() == 2
    assert Paper.objects.filter(item__session=upcoming).count() == 1
    counts = (SupervisionSession.objects.count(), versions.count(), Paper.objects.count())
    build_demo_gcs()
    assert (SupervisionSession.objects.count(), versions.count(), Paper.objects.count()) == counts
