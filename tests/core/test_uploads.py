"""core.uploads: the corpus of good and hostile files, ClamAV scanning, and generated stored names.

The same checks serve every app that takes documents; tests/supervision/test_uploading_papers.py
tries them again through the GCS papers service and pages.
"""

from __future__ import annotations

import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from core.uploads import clamav, detect_kind, store_upload, validate_upload
from tests.clamd import SIGNATURE, ClamdDaemon
from tests.core import uploads_corpus as corpus

pytestmark = pytest.mark.django_db
# Tests that upload with scanning on need the real clamd; the content checks and the
# fake daemons below do not, so they run on machines without ClamAV too.
scanned = pytest.mark.usefixtures("clamd")


def _validate(name: str, data: bytes) -> Any:
    return validate_upload(SimpleUploadedFile(name, data), for_obj=None)


@scanned
@pytest.mark.parametrize("sample", corpus.GOOD, ids=[s.name for s in corpus.GOOD])
def test_every_good_file_in_the_corpus_is_accepted_as_what_its_content_is(sample: corpus.Sample) -> None:
    assert _validate(sample.name, sample.make()).kind == sample.expect


@scanned
@pytest.mark.parametrize("sample", corpus.BAD, ids=[s.name for s in corpus.BAD])
def test_every_bad_file_in_the_corpus_is_refused_with_a_message_saying_what_to_do(sample: corpus.Sample) -> None:
    with pytest.raises(ValidationError) as refused:
        _validate(sample.name, sample.make())
    assert sample.expect_after_scanning in " ".join(refused.value.messages)
    assert AuditEvent.objects.exists() == bool(sample.scanned)  # only malware finds are audited


STRUCTURAL = [s for s in corpus.BAD if s.name != "empty.pdf"]  # an empty file never reaches these checks


@pytest.mark.parametrize("sample", corpus.GOOD, ids=[s.name for s in corpus.GOOD])
def test_the_content_checks_alone_accept_every_good_file(sample: corpus.Sample) -> None:
    assert detect_kind(io.BytesIO(sample.make())) == sample.expect


@pytest.mark.parametrize("sample", STRUCTURAL, ids=[s.name for s in STRUCTURAL])
def test_the_content_checks_alone_refuse_every_bad_file_without_help_from_clamav(sample: corpus.Sample) -> None:
    with pytest.raises(ValidationError) as refused:
        detect_kind(io.BytesIO(sample.make()))
    assert sample.expect in " ".join(refused.value.messages)


@scanned
def test_a_pdf_rendered_by_weasyprint_with_links_is_accepted() -> None:
    """A real generator's output (tagged, links, fonts), not only hand-built samples."""
    from weasyprint import HTML

    html = (
        "<h1>Chronology</h1><p>See <a href='https://www.gov.uk/'>GOV.UK</a> "
        "or write to <a href='mailto:team@example.gov.uk'>the team</a>.</p>"
    )
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    assert _validate("chronology.pdf", pdf).kind == "pdf"


@scanned
@pytest.mark.parametrize(
    ("name", "make"),
    [("eicar.pdf", lambda: corpus.EICAR), ("report.pdf", corpus.eicar_pdf), ("report.docx", corpus.eicar_docx)],
    ids=["plain", "inside-a-pdf", "deflated-inside-a-docx"],
)
def test_malware_is_refused_and_audited_without_the_file_name(name: str, make: Any) -> None:
    data = make()
    with pytest.raises(ValidationError) as refused:
        _validate(f"Smithson {name}", data)
    assert refused.value.code == "malware"
    assert "contains a virus or other malware" in refused.value.messages[0]
    event = AuditEvent.objects.get()
    assert event.action == "upload_refused"
    assert event.object_type == "upload"
    assert event.detail["signature"].startswith(SIGNATURE)
    assert event.detail["size"] == len(data)
    assert "Smithson" not in str(event.detail)


def test_clamd_is_reached_over_tcp_as_well(clamd: ClamdDaemon, settings: Any) -> None:
    settings.KINFOLK_CLAMD_SOCKET = ""
    settings.KINFOLK_CLAMD_HOST = "127.0.0.1"
    settings.KINFOLK_CLAMD_PORT = clamd.tcp_port
    clamav.ping()
    assert clamav.scan(SimpleUploadedFile("x", corpus.EICAR)).signature.startswith(SIGNATURE)
    assert not clamav.scan(SimpleUploadedFile("x", corpus.minimal_pdf())).infected


def test_a_scanner_that_is_not_listening_refuses_the_upload(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.KINFOLK_CLAMD_SOCKET = str(tmp_path / "nobody.sock")
    with pytest.raises(ValidationError) as refused:
        _validate("Smithson.pdf", corpus.minimal_pdf())
    assert refused.value.code == "scanner_unavailable"
    assert "the virus scanner is not available" in refused.value.messages[0]
    assert "scanner is unavailable" in caplog.text
    assert "Smithson" not in caplog.text


@pytest.fixture
def fake_clamd(tmp_path: Path) -> Iterator[tuple[str, list[bytes]]]:
    """A Unix socket that answers each connection with the next queued reply (b"" = say nothing)."""
    path = str(tmp_path / "fake.sock")
    replies: list[bytes] = []
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(5)
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                reply = replies.pop(0) if replies else b""
                conn.settimeout(0.2)
                if reply:
                    conn.sendall(reply)
                    continue
                while not stop.is_set():  # a hung daemon: read forever, answer nothing
                    try:
                        if not conn.recv(65536):
                            break
                    except TimeoutError:
                        continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path, replies
    stop.set()
    thread.join(timeout=5)
    server.close()


def test_a_scanner_that_never_answers_refuses_the_upload_within_the_timeout(
    fake_clamd: tuple[str, list[bytes]], settings: Any
) -> None:
    settings.KINFOLK_CLAMD_SOCKET, _replies = fake_clamd
    settings.KINFOLK_CLAMD_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        _validate("x.pdf", corpus.minimal_pdf())
    assert refused.value.code == "scanner_unavailable"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "reply",
    [b"INSTREAM size limit exceeded. ERROR\0", b"stream: Can't allocate memory ERROR\0", b"gibberish\0"],
    ids=["size-limit", "error", "gibberish"],
)
def test_a_scanner_error_refuses_the_upload(fake_clamd: tuple[str, list[bytes]], settings: Any, reply: bytes) -> None:
    settings.KINFOLK_CLAMD_SOCKET, replies = fake_clamd
    replies.append(reply)
    with pytest.raises(ValidationError) as refused:
        _validate("x.pdf", corpus.minimal_pdf())
    assert refused.value.code == "scanner_unavailable"


def test_with_scanning_turned_off_nothing_is_sent_to_a_scanner(settings: Any, tmp_path: Path) -> None:
    settings.KINFOLK_MALWARE_SCAN = False
    settings.KINFOLK_CLAMD_SOCKET = str(tmp_path / "nobody.sock")
    assert _validate("x.pdf", corpus.minimal_pdf()).kind == "pdf"


@scanned
def test_a_stored_upload_gets_a_generated_name_and_keeps_the_given_name_for_display() -> None:
    upload = SimpleUploadedFile("../Smithson family/chronology (final).pdf", corpus.minimal_pdf())
    validated = validate_upload(upload, for_obj=None)
    stored = store_upload(upload, validated, directory="/fgc/documents/7/")
    assert validated.display_name == "chronology (final).pdf"
    assert re.fullmatch(r"fgc/documents/7/[0-9a-f]{32}\.pdf", stored)
    assert default_storage.exists(stored)


@scanned
def test_check_scanner_reports_the_database_and_finds_the_test_file() -> None:
    out = StringIO()
    call_command("check_scanner", stdout=out)
    assert "Scanner OK" in out.getvalue()
    assert SIGNATURE in out.getvalue()


def test_check_scanner_fails_when_the_scanner_is_unavailable(settings: Any, tmp_path: Path) -> None:
    settings.KINFOLK_CLAMD_SOCKET = str(tmp_path / "nobody.sock")
    with pytest.raises(CommandError, match="is unavailable"):
        call_command("check_scanner", stdout=StringIO())
