"""The whole GCS cycle as one test, through the pages and a real SMTP server.

Diarise a year → invites arrive → a member declines by the link in the email →
the family is added and its papers uploaded → the session happens: attendance,
minutes typed (autosave), an action → submitted → approved by the chair → the
task renders the PDF (marking on every page, case references, no family names)
→ circulation emails carry a link, never an attachment.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Team, User
from diary.itip import ingest_reply_message
from diary.models import MeetingAttendee
from families.models import Family
from outbox.services import send_due_messages
from supervision.models import MinutesStatus, SupervisionGroup
from tests.assertions import assert_invite_email
from tests.core.uploads_corpus import minimal_docx, minimal_pdf
from tests.diary.test_itip import reply
from tests.smtp import SMTPServer
from tests.supervision import factories as gcs


def _attachment_types(message: Any) -> list[str]:
    return [part.get_content_type() for part in message.iter_attachments()]


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
def test_a_coordinator_runs_a_session_from_diary_to_circulated_minutes(
    smtp_server: SMTPServer,
    north: Team,
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    sam: User,
    gina: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
    tasks_run_inline: None,
) -> None:
    as_gina, as_alice, as_mo = client_for(gina), client_for(alice), client_for(mo)

    # 1. Diarise a year.
    first_day = gcs.working_day_from_today(7)
    response = as_gina.post(f"/gcs/groups/{north_group.pk}/diarise/", {"first_day": first_day.isoformat()})
    assert response.status_code == 302
    sessions = list(north_group.sessions.order_by("start"))
    assert len(sessions) in {13, 14}
    session = sessions[0]
    send_due_messages()
    invites_to_sam = smtp_server.to(sam.email)
    assert len(invites_to_sam) == 1  # the whole year as one recurring meeting
    calendar = assert_invite_email(invites_to_sam[0], method="REQUEST")
    assert calendar is not None

    # 2. Sam declines the first session from his calendar (an iTIP REPLY for that one date).
    assert session.meeting is not None and session.meeting.series is not None
    ingest_reply_message(
        reply(
            "outlook",
            uid=session.meeting.series.uid,
            attendee=sam.email,
            partstat="DECLINED",
            sequence=session.meeting.sequence,
            recurrence_id=session.meeting.recurrence_id,
        )
    )
    assert MeetingAttendee.objects.get(meeting=session.meeting, user=sam).response == "declined"
    assert MeetingAttendee.objects.get(meeting=sessions[1].meeting, user=sam).response == "needs-action"

    # 3. The coordinator puts the family on the agenda and publishes it; Alice uploads papers.
    response = as_gina.post(
        f"/gcs/sessions/{session.pk}/agenda/add/",
        {"family": north_family.case_reference, "presenter": alice.pk, "duration_minutes": 30, "specialists": [sam.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = session.items.get()
    assert as_gina.post(f"/gcs/sessions/{session.pk}/agenda/publish/").status_code == 302
    for name, data in [("chronology.pdf", minimal_pdf()), ("assessment.docx", minimal_docx())]:
        response = as_alice.post(f"/gcs/items/{item.pk}/papers/", {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 302
    assert item.papers.count() == 2
    page = as_gina.get(f"/gcs/sessions/{session.pk}/").content.decode()
    assert "adult specialists working with this family have not confirmed: Sam Specialist" in page

    # 4. The session takes place (moved into the past: the clock is not ours to turn).
    start = timezone.now() - dt.timedelta(hours=2)
    type(session).objects.filter(pk=session.pk).update(start=start, end=start + dt.timedelta(hours=1))
    response = as_gina.post(
        f"/gcs/sessions/{session.pk}/attendance/",
        {
            f"user_{alice.pk}": "present",
            f"user_{mo.pk}": "present",
            f"user_{gina.pk}": "present",
            f"user_{sam.pk}": "apologies",
        },
    )
    assert response.status_code == 302
    for section, text in [
        ("discussion", f"Alice presented {north_family.case_reference}. What does this mean for the child?"),
        ("worries", "Missed school on 9 days this term."),
        ("strengths", "Grandmother provides after-school care."),
        ("decisions", "Continue child in need plan."),
    ]:
        saved = as_gina.post(
            f"/gcs/items/{item.pk}/minutes/{section}/", {"text": text, "version": "0"}, HTTP_HX_REQUEST="true"
        )
        assert "Saved at" in saved.content.decode()
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    as_gina.post(f"/gcs/items/{item.pk}/actions/", {"description": "Meet the school", "owner": alice.pk, "due_on": due})
    assert as_gina.post(f"/gcs/sessions/{session.pk}/minutes/submit/").status_code == 302

    # 5. Mo, the chair, approves; the task renders and circulates.
    with django_capture_on_commit_callbacks(execute=True):
        assert as_mo.post(f"/gcs/sessions/{session.pk}/minutes/approve/").status_code == 302
    session.refresh_from_db()
    assert session.minutes_status == MinutesStatus.APPROVED
    version = session.versions.get()
    assert version.pdf and version.circulated_at is not None
    assert session.turnaround_working_hours is not None

    # 6. The PDF, as a member downloads it.
    download = as_alice.get(f"/gcs/minutes/{version.pk}/pdf/")
    assert download["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    pages = [p.extract_text() for p in reader.pages]
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2
        assert f"Page {number} of {len(pages)}" in text
    whole = "\n".join(pages)
    assert north_family.case_reference in whole
    assert north_family.family_name not in whole
    assert "Meet the school" in whole and "Sam Specialist" in whole
    assert "/StructTreeRoot" in reader.trailer["/Root"].get_object()  # tagged for accessibility

    # 7. Circulation: attendees and apologies get a link, not an attachment.
    send_due_messages()
    for person in (alice, mo, gina, sam):
        circulated = [m for m in smtp_server.to(person.email) if "Minutes: Group Case" in str(m["Subject"])]
        assert len(circulated) == 1, person.email
        message = circulated[0]
        text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert f"/gcs/sessions/{session.pk}/minutes/" in text
        assert _attachment_types(message) == []
        assert north_family.family_name not in text + str(message["Subject"])
        assert str(message["Subject"]).startswith("OFFICIAL-SENSITIVE")
