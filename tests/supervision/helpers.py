"""Shared steps for GCS tests that need a session that has taken place."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.core.files.storage import default_storage
from pypdf import PdfReader

from accounts.models import User
from families.models import Family
from supervision import services
from supervision.models import AttendanceStatus, SupervisionGroup, SupervisionSession
from tests.supervision import factories as gcs


def held_session(group: SupervisionGroup, family: Family, presenter: User, *, days_ago: int = 0) -> SupervisionSession:
    session = gcs.make_past_session(group=group, days_ago=days_ago)
    gcs.add_item(session, family, presenter)
    return session


def minute_and_submit(
    session: SupervisionSession, *, by: User, present: list[User], apologies: Sequence[User] = ()
) -> None:
    statuses = {u.pk: AttendanceStatus.PRESENT for u in present} | {u.pk: AttendanceStatus.APOLOGIES for u in apologies}
    services.record_attendance(session=session, statuses=statuses, by=by)
    for item in session.items.all():
        services.save_entry(
            item=item, section="discussion", text=f"Discussion of {item.family.case_reference}", base_version=0, by=by
        )
        services.save_entry(item=item, section="worries", text="Worry about school attendance", base_version=0, by=by)
    services.submit_minutes(session=session, by=by)


def pdf_pages(name: str) -> list[str]:
    with default_storage.open(name, "rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return [page.extract_text() for page in reader.pages]
