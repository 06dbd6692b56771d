"""validate_upload and store_upload (core/uploads/__init__.py): sizes, kinds, names and what is logged.

Each test breaks one limit on its own, at the limit and one byte past it.
Uploads go to the real test clamd (tests/clamd.py).
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import sanitise_filename, store_upload, validate_upload
from core.uploads.refusals import PDF
from tests.core import uploads_corpus as corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd")]


def _refusal(upload: File[Any], **options: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload, for_obj=None, **options)
    return " ".join(refused.value.messages)


def test_a_file_of_exactly_the_size_limit_is_accepted_and_one_byte_more_is_refused() -> None:
    pdf = corpus.minimal_pdf()
    assert validate_upload(SimpleUploadedFile("a.pdf", pdf), for_obj=None, max_bytes=len(pdf)).size == len(pdf)
    refusal = _refusal(SimpleUploadedFile("a.pdf", pdf), max_bytes=len(pdf) - 1)
    assert "must be smaller than" in refusal


def test_without_a_configured_limit_files_over_20_mb_are_refused(settings: Any) -> None:
    del settings.KINFOLK_UPLOAD_MAX_BYTES
    big = SimpleUploadedFile("big.pdf", corpus.minimal_pdf() + b"%" + b"x" * (20 * 1024 * 1024))
    assert "must be smaller than 20 MB" in _refusal(big)


def test_a_file_holding_more_than_its_declared_size_is_refused_by_what_it_holds() -> None:
    upload = SimpleUploadedFile("a.pdf", corpus.minimal_pdf() + b"%" + b"x" * 4096 + b"\n")
    upload.size = 100  # what a client may claim; the bytes are counted all the same
    assert "must be smaller than" in _refusal(upload, max_bytes=1024)


def test_a_file_declaring_a_size_but_holding_nothing_is_refused_as_empty() -> None:
    upload = SimpleUploadedFile("a.pdf", b"")
    upload.size = 100
    assert "The selected file is empty" in _refusal(upload)


def test_a_file_already_read_to_its_end_is_still_checked_and_counted_whole() -> None:
    pdf = corpus.minimal_pdf()
    upload = SimpleUploadedFile("a.pdf", pdf)
    upload.read()
    validated = validate_upload(upload, for_obj=None)
    assert (validated.size, validated.sha256) == (len(pdf), hashlib.sha256(pdf).hexdigest())


def test_a_file_larger_than_one_read_is_counted_and_hashed_whole() -> None:
    pdf = corpus.minimal_pdf(comment=b"x" * (200 * 1024))
    validated = validate_upload(SimpleUploadedFile("a.pdf", pdf), for_obj=None)
    assert (validated.size, validated.sha256) == (len(pdf), hashlib.sha256(pdf).hexdigest())


def test_a_kind_the_caller_does_not_take_is_refused_with_the_kinds_it_does() -> None:
    refusal = _refusal(SimpleUploadedFile("plan.docx", corpus.minimal_docx()), allowed=(PDF,))
    assert refusal == "The selected file must be one of: PDF."


def test_an_upload_without_a_name_is_shown_as_document_with_the_extension_its_content_proved() -> None:
    validated = validate_upload(File(io.BytesIO(corpus.minimal_pdf())), for_obj=None)
    assert (validated.display_name, validated.content_type) == ("document.pdf", "application/pdf")


def test_the_whole_file_is_stored_even_if_it_was_read_after_checking() -> None:
    pdf = corpus.minimal_pdf()
    upload = SimpleUploadedFile("a.pdf", pdf)
    validated = validate_upload(upload, for_obj=None)
    upload.read()
    with default_storage.open(store_upload(upload, validated, directory="fgc/7")) as stored:
        assert stored.read() == pdf


def test_a_malware_find_is_logged_by_its_hash_and_never_by_the_file_name(caplog: pytest.LogCaptureFixture) -> None:
    data = corpus.eicar_pdf()
    _refusal(SimpleUploadedFile("Smithson referral.pdf", data))
    assert hashlib.sha256(data).hexdigest() in caplog.text
    assert "malware" in caplog.text
    assert "Smithson" not in caplog.text


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("...pdf", "pdf", "document.pdf"),
        ("--.pdf", "pdf", "document.pdf"),
        ("\u202eexe.pdf", "pdf", "exe.pdf"),
        ("notes.ABCDEFGHIJKLMNOP", None, "notes.abcdefghij"),
        ("notes", None, "notes"),
        ("a" * 99 + " b.pdf", "pdf", "a" * 99 + ".pdf"),
        ("a" * 150 + ".pdf", "pdf", "a" * 100 + ".pdf"),
    ],
    ids=[
        "only-dots",
        "only-hyphens",
        "right-to-left-override",
        "long-extension",
        "no-extension",
        "cut-at-a-space",
        "long",
    ],
)
def test_display_names_are_cleaned(name: str, kind: str | None, expected: str) -> None:
    assert sanitise_filename(name, kind=kind) == expected
