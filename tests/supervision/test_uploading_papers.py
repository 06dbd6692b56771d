"""upload_paper and core.uploads: papers are checked by content, and bad files refused with nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from core.models import AuditEvent, User
from core.uploads import sanitise_filename
from supervision import services
from supervision.models import Paper, SupervisionSession
from tests.supervision import uploads_corpus as corpus


def _stored_files() -> set[str]:
    root = Path(default_storage.location)  # type: ignore[attr-defined]
    return {str(path) for path in root.rglob("*") if path.is_file()}


def _upload(session: SupervisionSession, user: User, name: str, data: bytes) -> Paper:
    item = session.items.get()
    return services.upload_paper(item=item, upload=SimpleUploadedFile(name, data), by=user)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("chronology.pdf", corpus.minimal_pdf(), "pdf"),
        ("assessment.docx", corpus.minimal_docx(), "docx"),
        ("plan.odt", corpus.minimal_odt(), "odt"),
        ("misnamed.txt", corpus.minimal_pdf(), "pdf"),
    ],
)
def test_it_accepts_pdf_word_and_opendocument_by_their_content(
    upcoming_with_item: SupervisionSession, alice: User, name: str, data: bytes, kind: str
) -> None:
    paper = _upload(upcoming_with_item, alice, name, data)
    assert paper.kind == kind
    assert paper.name.endswith(f".{kind}")
    assert not paper.late
    assert default_storage.exists(paper.file.name)
    assert paper.file.name.startswith(f"gcs/papers/{upcoming_with_item.pk}/")


BAD_UPLOADS: list[tuple[str, Callable[[], bytes], str]] = [
    ("notes.pdf", corpus.plain_text, "must be a PDF, Word (.docx) or OpenDocument text (.odt)"),
    ("report.pdf", corpus.windows_exe, "is a Windows program"),
    ("report.docx", corpus.elf_binary, "is a Linux program"),
    ("macro.docm", corpus.docm, "contains macros"),
    ("sneaky.docx", corpus.docx_with_vba_part_only, "contains macros"),
    ("sneaky.odt", corpus.odt_with_basic_macros, "contains macros"),
    ("bomb.docx", corpus.zip_bomb, "archive bomb"),
    ("parts.docx", lambda: corpus.many_entries(2500), "too many parts"),
    ("old.doc", corpus.legacy_doc, "old-style Word document"),
    ("empty.pdf", lambda: b"", "The selected file is empty"),
    ("script.pdf", corpus.pdf_with_javascript, "active content"),
    ("sheet.docx", corpus.xlsx, "not a Word document"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_it_refuses_bad_uploads_with_a_clear_message_and_stores_nothing(
    upcoming_with_item: SupervisionSession, alice: User, name: str, make: Callable[[], bytes], message: str
) -> None:
    before = _stored_files()
    with pytest.raises(ValidationError) as refused:
        _upload(upcoming_with_item, alice, name, make())
    assert message in " ".join(refused.value.messages)
    assert Paper.objects.count() == 0
    assert _stored_files() == before


@override_settings(KINFOLK_UPLOAD_MAX_BYTES=1024)
def test_it_refuses_a_file_over_the_size_limit(upcoming_with_item: SupervisionSession, alice: User) -> None:
    with pytest.raises(ValidationError, match="must be smaller than"):
        _upload(upcoming_with_item, alice, "big.pdf", corpus.minimal_pdf() + b"%" + b"x" * 2048 + b"\n%%EOF")
    assert Paper.objects.count() == 0


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
