"""Upload validation by content, and private storage.

Used by every app that accepts documents (GCS papers now, FGC later). A file is
accepted only when its bytes are a PDF, a Word .docx or an OpenDocument text
file, whatever its name says. Macro-enabled documents, executables with a
document's name, archive bombs and empty or oversize files are refused with a
message the user can act on, before anything is stored.

Zip-based formats are checked from the central directory (entry count, total
uncompressed size, compression ratio) *before* any entry is decompressed, and
the one entry we read is read with a hard cap, because the directory's sizes
are written by whoever made the file and may lie.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage

PDF = "pdf"
DOCX = "docx"
ODT = "odt"
DOCUMENT_KINDS = (PDF, DOCX, ODT)

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: "application/vnd.oasis.opendocument.text",
}
KIND_LABELS = {PDF: "PDF", DOCX: "Word (.docx)", ODT: "OpenDocument text (.odt)"}

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Limits on what a .docx/.odt may expand to. Real documents are far below them.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
# Small entries compress absurdly well (a page of spaces), so only judge the
# ratio of entries that expand to more than this.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_MARKERS = (
    b"macroenabled",
    b"vnd.ms-office.vbaproject",
    b"vnd.ms-word.document.macroenabled",
    b"vnd.ms-word.template.macroenabled",
    b"vnd.ms-office.activex",
)
_EXECUTABLE_MAGIC = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_ACTIVE = (b"/JavaScript", b"/Launch")


@dataclass(frozen=True)
class ValidatedUpload:
    kind: str
    content_type: str
    name: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "KINFOLK_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def sanitise_filename(name: str, *, kind: str | None = None, fallback: str = "document") -> str:
    """A file name safe to store and to send in Content-Disposition.

    Drops any directory part (both separators, so `..\\..\\x` and `../../x` are
    just `x`), control and format characters, and anything but letters, digits,
    spaces, dots, hyphens, underscores and brackets; the extension is the one
    the content proved, not the one the name claimed.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"[^\w .()\-]+", "-", stem, flags=re.UNICODE)
    stem = re.sub(r"\.{2,}", ".", re.sub(r"\s+", " ", stem))
    stem = re.sub(r"-{2,}", "-", stem).strip(" .-_") or fallback
    stem = stem[:100].rstrip(" .-_") or fallback
    extension = kind or re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    return f"{stem}.{extension}" if extension else stem


def _read_head(upload: IO[bytes], n: int = 2048) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _sha256_and_size(upload: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _check_pdf(upload: IO[bytes]) -> None:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"%%EOF" not in data:
        raise _refuse(
            "The selected file is not a complete PDF. Save it again as PDF and upload it.",
            "pdf_truncated",
        )
    if any(marker in data for marker in _PDF_ACTIVE):
        raise _refuse(
            "The selected PDF contains active content (scripts or launch actions). "
            "Print it to a new PDF and upload that.",
            "pdf_active_content",
        )


def _check_zip_container(upload: IO[bytes]) -> str:
    """Which zip-based document this is (DOCX or ODT), refusing bombs and macros."""
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(
            "The selected file is damaged or is not a Word or OpenDocument file.",
            "bad_zip",
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _refuse(
                "The selected file has too many parts to be a document and was refused.",
                "zip_bomb",
            )
        total = 0
        for info in infos:
            total += info.file_size
            ratio_judged = info.file_size > RATIO_FLOOR_BYTES
            if ratio_judged and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise _refuse(
                    "The selected file expands to far more than its size, like an archive bomb, and was refused.",
                    "zip_bomb",
                )
        if total > MAX_ZIP_UNCOMPRESSED:
            raise _refuse(
                "The selected file expands to far more than its size, like an archive bomb, and was refused.",
                "zip_bomb",
            )
        names = {info.filename for info in infos}
        lowered = {n.lower() for n in names}
        if any(n.endswith(("vbaproject.bin", "vbadata.xml")) for n in lowered) or any(
            n.startswith(("basic/", "scripts/")) for n in lowered
        ):
            raise _refuse(
                "The selected file contains macros. Save it as a Word document (.docx) without macros, or as a PDF.",
                "macro",
            )
        if "[Content_Types].xml" in names:
            types = _read_capped(archive, "[Content_Types].xml").lower()
            if any(marker in types for marker in _MACRO_MARKERS):
                raise _refuse(
                    "The selected file is a macro-enabled Word document (.docm). "
                    "Save it as a Word document (.docx) or a PDF.",
                    "macro",
                )
            if _DOCX_MAIN.encode() in types and "word/document.xml" in names:
                return DOCX
            raise _refuse(
                "The selected file is an Office file but not a Word document. Upload a PDF, .docx or .odt file.",
                "wrong_type",
            )
        if "mimetype" in names:
            mimetype = _read_capped(archive, "mimetype").strip()
            if mimetype == CONTENT_TYPES[ODT].encode() and "content.xml" in names:
                manifest = _read_capped(archive, "META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                if b"basic" in manifest.lower() and b"script" in manifest.lower():
                    raise _refuse(
                        "The selected file contains macros. Save it without macros, or as a PDF.",
                        "macro",
                    )
                return ODT
            raise _refuse(
                "The selected file is an OpenDocument file but not a text document. Upload a PDF, .docx or .odt file.",
                "wrong_type",
            )
    raise _refuse(
        "The selected file must be a PDF, Word (.docx) or OpenDocument text (.odt) file.",
        "wrong_type",
    )


def _read_capped(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as entry:
        data = entry.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise _refuse("The selected file is damaged or is not a document.", "zip_bomb")
    return data


def detect_kind(upload: IO[bytes]) -> str:
    head = _read_head(upload)
    for magic, what in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            raise _refuse(
                f"The selected file is {what}, not a document, and was refused.",
                "executable",
            )
    if head.startswith(b"%PDF-"):
        _check_pdf(upload)
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _check_zip_container(upload)
    if head.startswith(_OLE_MAGIC):
        raise _refuse(
            "The selected file is an old-style Word document (.doc), which can carry macros. "
            "Save it as .docx or PDF and upload that.",
            "legacy_office",
        )
    raise _refuse(
        "The selected file must be a PDF, Word (.docx) or OpenDocument text (.odt) file.",
        "wrong_type",
    )


def validate_upload(
    upload: File[Any],
    *,
    allowed: tuple[str, ...] = DOCUMENT_KINDS,
    max_bytes: int | None = None,
) -> ValidatedUpload:
    """Check an uploaded file by its content. Raises ValidationError with a message for the user."""
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _refuse(f"The selected file must be smaller than {_megabytes(limit)}.", "too_large")
    if not declared:
        raise _refuse("The selected file is empty.", "empty")
    sha256, size = _sha256_and_size(upload)
    if size == 0:
        raise _refuse("The selected file is empty.", "empty")
    if size > limit:
        raise _refuse(f"The selected file must be smaller than {_megabytes(limit)}.", "too_large")
    kind = detect_kind(upload)
    if kind not in allowed:
        labels = ", ".join(KIND_LABELS[k] for k in allowed)
        raise _refuse(f"The selected file must be one of: {labels}.", "wrong_type")
    return ValidatedUpload(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        name=sanitise_filename(getattr(upload, "name", "") or "", kind=kind),
        size=size,
        sha256=sha256,
    )


def store_upload(upload: File[Any], validated: ValidatedUpload, *, directory: str) -> str:
    """Save to the private default storage under an unguessable path; returns the storage name.

    The default storage has no URL of its own (config/settings.py): files are
    only ever served by a view that checks permission first.
    """
    upload.seek(0)
    name = f"{directory.strip('/')}/{uuid.uuid4().hex}/{validated.name}"
    return default_storage.save(name, upload)
