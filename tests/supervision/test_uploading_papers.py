"""upload_paper and core.uploads: papers are checked by content, and bad files refused with nothing stored."""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from accounts.models import User
from core.models import AuditEvent
from core.uploads import sanitise_filename
from supervision import services
from supervision.models import Paper, SupervisionSession
from tests.clamd import SIGNATURE
from tests.core import photo_corpus as photos
from tests.core import uploads_corpus as corpus

# Every upload here really goes to ClamAV (tests/clamd.py).
pytestmark = pytest.mark.usefixtures("clamd")


def _stored_files() -> set[str]:
    root = Path(default_storage.location)  # type: ignore[attr-defined]
    return {str(path) for path in root.rglob("*") if path.is_file()}


def _upload(session: SupervisionSession, user: User, name: str, data: bytes) -> Paper:
    item = session.items.get()
    return services.upload_paper(item=item, upload=SimpleUploadedFile(name, data), by=user)


@pytest.mark.parametrize("sample", corpus.GOOD, ids=[s.name for s in corpus.GOOD])
def test_it_accepts_pdf_word_and_opendocument_by_their_content(
    upcoming_with_item: SupervisionSession, alice: User, sample: corpus.Sample
) -> None:
    paper = _upload(upcoming_with_item, alice, sample.name, sample.make())
    assert paper.kind == sample.expect
    assert paper.name.endswith(f".{sample.expect}")
    assert not paper.late
    assert default_storage.exists(paper.file.name)
    assert paper.file.name.startswith(f"gcs/papers/{upcoming_with_item.pk}/")


@pytest.mark.parametrize("sample", corpus.BAD, ids=[s.name for s in corpus.BAD])
def test_it_refuses_bad_uploads_with_a_clear_message_and_stores_nothing(
    upcoming_with_item: SupervisionSession, alice: User, sample: corpus.Sample
) -> None:
    before = _stored_files()
    with pytest.raises(ValidationError) as refused:
        _upload(upcoming_with_item, alice, sample.name, sample.make())
    assert sample.expect_after_scanning in " ".join(refused.value.messages)
    assert Paper.objects.count() == 0
    assert _stored_files() == before


@pytest.mark.parametrize(("name", "make"), [("whiteboard.jpg", photos.phone_jpeg), ("scan.png", photos.phone_png)])
def test_it_refuses_a_photo_as_a_paper_and_stores_nothing(
    upcoming_with_item: SupervisionSession, alice: User, name: str, make: Callable[[], bytes]
) -> None:
    """Photos are a kind only volunteers' receipts take; papers stay documents."""
    before = _stored_files()
    with pytest.raises(ValidationError) as refused:
        _upload(upcoming_with_item, alice, name, make())
    assert refused.value.messages == ["The selected file must be one of: PDF, Word (.docx), OpenDocument text (.odt)."]
    assert Paper.objects.count() == 0
    assert _stored_files() == before


@override_settings(KINFOLK_UPLOAD_MAX_BYTES=1024)
def test_it_refuses_a_file_over_the_size_limit(upcoming_with_item: SupervisionSession, alice: User) -> None:
    before = _stored_files()
    with pytest.raises(ValidationError, match="must be smaller than"):
        _upload(upcoming_with_item, alice, "big.pdf", corpus.minimal_pdf() + b"%" + b"x" * 2048 + b"\n%%EOF")
    assert Paper.objects.count() == 0
    assert _stored_files() == before


PAGE_CORPUS = [s for s in corpus.BAD if s.name in {"report.pdf", "macro.docm", "bomb.docx", "empty.pdf", "locked.pdf"}]


@pytest.mark.parametrize("sample", PAGE_CORPUS, ids=[s.name for s in PAGE_CORPUS])
def test_the_upload_page_refuses_bad_files_with_the_message_on_the_form_and_stores_nothing(
    upcoming_with_item: SupervisionSession,
    alice: User,
    client_for: Callable[[User], Client],
    sample: corpus.Sample,
) -> None:
    item = upcoming_with_item.items.get()
    before = _stored_files()
    response = client_for(alice).post(
        f"/gcs/items/{item.pk}/papers/", {"file": SimpleUploadedFile(sample.name, sample.make())}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert sample.expect_after_scanning in body.replace("&#x27;", "'")
    assert Paper.objects.count() == 0
    assert _stored_files() == before


@override_settings(KINFOLK_UPLOAD_MAX_BYTES=1024)
def test_the_upload_page_refuses_an_oversize_file_and_stores_nothing(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client]
) -> None:
    item = upcoming_with_item.items.get()
    before = _stored_files()
    big = SimpleUploadedFile("big.pdf", corpus.minimal_pdf() + b"%" + b"x" * 2048 + b"\n%%EOF")
    body = client_for(alice).post(f"/gcs/items/{item.pk}/papers/", {"file": big}).content.decode()
    assert "must be smaller than" in body
    assert Paper.objects.count() == 0
    assert _stored_files() == before


def test_the_upload_page_accepts_a_good_paper(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client]
) -> None:
    item = upcoming_with_item.items.get()
    upload = SimpleUploadedFile("assessment.docx", corpus.minimal_docx())
    response = client_for(alice).post(f"/gcs/items/{item.pk}/papers/", {"file": upload})
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.kind == "docx" and default_storage.exists(paper.file.name)


def test_deleting_the_only_paper_after_the_reminder_was_due_reminds_the_presenter_at_once(
    upcoming_with_item: SupervisionSession, alice: User
) -> None:
    import datetime as dt

    from django.utils import timezone

    from diary.models import Reminder

    item = upcoming_with_item.items.get()
    paper = _upload(upcoming_with_item, alice, "p.pdf", corpus.minimal_pdf())
    past_deadline = timezone.now() - dt.timedelta(hours=1)
    SupervisionSession.objects.filter(pk=upcoming_with_item.pk).update(papers_due_at=past_deadline)
    paper.refresh_from_db()
    services.delete_paper(paper=paper, by=alice)
    reminder = Reminder.objects.get(key=f"gcs:item:{item.pk}:papers-missing")
    assert reminder.status == "pending"
    assert reminder.due_at >= past_deadline
    assert reminder.due_at <= timezone.now()


def test_moving_a_session_reflags_the_papers_already_uploaded(
    upcoming_with_item: SupervisionSession, alice: User, gina: User
) -> None:
    import datetime as dt

    from django.utils import timezone

    paper = _upload(upcoming_with_item, alice, "p.pdf", corpus.minimal_pdf())
    assert not paper.late
    # Tomorrow's session had its papers due days ago: the paper uploaded today is late.
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    services.move_session(session=upcoming_with_item, start=start, end=start + dt.timedelta(hours=2), by=gina)
    assert Paper.objects.get(pk=paper.pk).late
    later = timezone.now().replace(microsecond=0) + dt.timedelta(days=30)
    services.move_session(session=upcoming_with_item, start=later, end=later + dt.timedelta(hours=2), by=gina)
    assert not Paper.objects.get(pk=paper.pk).late


@override_settings(KINFOLK_PAPERS_PACK_MAX_BYTES=1000)
def test_a_papers_pack_over_the_size_limit_is_refused_with_a_clear_message(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client]
) -> None:
    _upload(upcoming_with_item, alice, "one.pdf", corpus.minimal_pdf())
    _upload(upcoming_with_item, alice, "two.pdf", corpus.minimal_pdf())
    response = client_for(alice).get(f"/gcs/sessions/{upcoming_with_item.pk}/papers.zip", follow=True)
    assert response.redirect_chain[-1][0] == f"/gcs/sessions/{upcoming_with_item.pk}/"
    assert "Download the papers one by one" in response.content.decode()
    assert not AuditEvent.objects.filter(action="download", object_type="supervision.SupervisionSession").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("report\x00.exe.pdf", "report.exe.pdf"),
        ("\u202eFDP.exe", "FDP.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("...", "document.pdf"),
    ],
)
def test_file_names_are_sanitised(name: str, expected: str) -> None:
    assert sanitise_filename(name, kind="pdf") == expected


def test_a_path_traversal_name_is_stored_under_the_papers_folder(
    upcoming_with_item: SupervisionSession, alice: User
) -> None:
    paper = _upload(upcoming_with_item, alice, "../../../../tmp/owned.pdf", corpus.minimal_pdf())
    assert paper.name == "owned.pdf"
    assert ".." not in paper.file.name
    assert paper.file.name.startswith("gcs/papers/")


def test_a_paper_after_the_deadline_is_flagged_late(upcoming_with_item: SupervisionSession, alice: User) -> None:
    SupervisionSession.objects.filter(pk=upcoming_with_item.pk).update(
        papers_due_at=upcoming_with_item.start.replace(year=2000)
    )
    upcoming_with_item.refresh_from_db()
    paper = _upload(upcoming_with_item, alice, "late.pdf", corpus.minimal_pdf())
    assert paper.late


def test_the_upload_page_shows_the_refusal_on_the_form(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client]
) -> None:
    item = upcoming_with_item.items.get()
    response = client_for(alice).post(
        f"/gcs/items/{item.pk}/papers/", {"file": SimpleUploadedFile("x.pdf", corpus.windows_exe())}
    )
    assert response.status_code == 200
    assert "is a Windows program" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_a_download_is_an_audited_attachment_with_nosniff(
    upcoming_with_item: SupervisionSession, alice: User, mo: User, client_for: Callable[[User], Client]
) -> None:
    paper = _upload(upcoming_with_item, alice, "chronology.pdf", corpus.minimal_pdf())
    response = client_for(mo).get(f"/gcs/papers/{paper.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="chronology.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(
        action="download", object_type="supervision.Paper", object_id=str(paper.pk), actor=mo
    ).exists()


def test_the_papers_pack_holds_every_paper_in_running_order(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client]
) -> None:
    import io
    import zipfile

    _upload(upcoming_with_item, alice, "one.pdf", corpus.minimal_pdf())
    _upload(upcoming_with_item, alice, "two.docx", corpus.minimal_docx())
    response = client_for(alice).get(f"/gcs/sessions/{upcoming_with_item.pk}/papers.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()  # type: ignore[attr-defined]
    ref = upcoming_with_item.items.get().family.case_reference
    assert names == [f"01 {ref}/one.pdf", f"01 {ref}/two.docx"]
    assert AuditEvent.objects.filter(action="download", object_type="supervision.SupervisionSession").exists()


# --- Malware scanning (ClamAV) ---------------------------------------------------------------


def test_the_upload_page_refuses_a_file_with_malware_audits_it_and_stores_nothing(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client]
) -> None:
    item = upcoming_with_item.items.get()
    before = _stored_files()
    upload = SimpleUploadedFile("Smithson referral.pdf", corpus.eicar_pdf())
    body = client_for(alice).post(f"/gcs/items/{item.pk}/papers/", {"file": upload}).content.decode()
    assert "govuk-error-summary" in body
    assert "contains a virus or other malware and was refused" in body
    assert Paper.objects.count() == 0
    assert _stored_files() == before
    event = AuditEvent.objects.get(action="upload_refused")
    assert event.actor == alice
    assert (event.object_type, event.object_id) == ("supervision.AgendaItem", str(item.pk))
    assert event.detail["reason"] == "malware"
    assert event.detail["signature"].startswith(SIGNATURE)
    assert "Smithson" not in f"{event.detail} {event.object_repr} {event.path}"


def test_the_upload_page_says_when_the_scanner_is_unavailable_and_stores_nothing(
    upcoming_with_item: SupervisionSession,
    alice: User,
    client_for: Callable[[User], Client],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.KINFOLK_CLAMD_SOCKET = str(tmp_path / "nothing-listens-here.sock")
    item = upcoming_with_item.items.get()
    before = _stored_files()
    upload = SimpleUploadedFile("chronology.pdf", corpus.minimal_pdf())
    body = client_for(alice).post(f"/gcs/items/{item.pk}/papers/", {"file": upload}).content.decode()
    assert "could not be checked for viruses because the virus scanner is not available" in body
    assert Paper.objects.count() == 0
    assert _stored_files() == before


def test_the_upload_page_warns_only_when_files_are_not_scanned(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client], settings: Any
) -> None:
    item = upcoming_with_item.items.get()
    client = client_for(alice)
    assert "not scanned for viruses" not in client.get(f"/gcs/items/{item.pk}/papers/").content.decode()
    settings.KINFOLK_MALWARE_SCAN = False
    assert "not scanned for viruses" in client.get(f"/gcs/items/{item.pk}/papers/").content.decode()


# --- Stored names ------------------------------------------------------------------------------


def test_a_paper_is_stored_under_a_generated_name_and_downloaded_under_the_name_it_was_given(
    upcoming_with_item: SupervisionSession,
    alice: User,
    mo: User,
    client_for: Callable[[User], Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    item = upcoming_with_item.items.get()
    upload = SimpleUploadedFile("Smithson family chronology.pdf", corpus.minimal_pdf())
    client_for(alice).post(f"/gcs/items/{item.pk}/papers/", {"file": upload})
    paper = Paper.objects.get()
    assert paper.name == "Smithson family chronology.pdf"
    assert re.fullmatch(rf"gcs/papers/{upcoming_with_item.pk}/[0-9a-f]{{32}}\.pdf", paper.file.name)
    assert not any("Smithson" in path for path in _stored_files())
    response = client_for(mo).get(f"/gcs/papers/{paper.pk}/")
    assert 'filename="Smithson family chronology.pdf"' in response["Content-Disposition"]
    client_for(alice).post(f"/gcs/papers/{paper.pk}/delete/")
    events = AuditEvent.objects.filter(object_type="supervision.Paper")
    assert set(events.values_list("action", flat=True)) == {"create", "download", "delete"}
    for event in AuditEvent.objects.all():
        assert "Smithson" not in f"{event.detail} {event.object_repr} {event.path}", event.action
    assert "Smithson" not in caplog.text


def test_papers_stored_under_their_given_names_are_moved_to_generated_names(
    upcoming_with_item: SupervisionSession, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The data migration for papers uploaded before names were generated."""
    migration = importlib.import_module("supervision.migrations.0003_papers_stored_under_generated_names")
    paper = _upload(upcoming_with_item, alice, "p.pdf", corpus.minimal_pdf())
    old = default_storage.save(f"gcs/papers/{upcoming_with_item.pk}/{'a' * 32}/Smithson chronology.pdf", paper.file)
    default_storage.delete(paper.file.name)
    Paper.objects.filter(pk=paper.pk).update(file=old)
    with django_capture_on_commit_callbacks(execute=True):
        migration.store_papers_under_generated_names(django_apps, None)
    paper.refresh_from_db()
    assert re.fullmatch(rf"gcs/papers/{upcoming_with_item.pk}/[0-9a-f]{{32}}\.pdf", paper.file.name)
    with default_storage.open(paper.file.name, "rb") as stored:
        assert stored.read() == corpus.minimal_pdf()
    assert not default_storage.exists(old)
    assert not any("Smithson" in path for path in _stored_files())
