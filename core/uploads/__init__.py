"""Upload validation by content, malware scanning, and private storage under generated names.

Used by every app that accepts files (GCS papers, volunteers' receipts). A file is
accepted only when its bytes are one of the kinds the caller allows, whatever its
name says, ClamAV finds nothing in it, and its structure checks out: documents
(a PDF, a Word .docx or an OpenDocument text file) carry nothing active
(core/uploads/pdf.py, core/uploads/office.py); photos (JPEG, PNG) decode in full
and are stored re-encoded, without their EXIF metadata (core/uploads/images.py).
A name that says the file is a photo must hold that photo, and a photo must not
be named as a document. Everything is refused with a message the user can act
on, before anything is stored.

The name the user gave is kept only as a display name for the caller to store
beside the record; the stored file's name is generated, and neither log lines
nor audit rows written here carry the display name, because practitioners name
files after the family.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import models, transaction

from core import audit
from core.models import AuditAction
from core.uploads import clamav
from core.uploads.images import clean_image, image_kind
from core.uploads.office import check_zip_document
from core.uploads.pdf import check_pdf
from core.uploads.refusals import DOCX, JPEG, ODT, OLE_MAGIC, PDF, PNG, executable_kind, refuse

logger = logging.getLogger(__name__)

# What a caller accepts when it says nothing else (GCS papers). Photos are accepted
# only where a caller names them (volunteers' receipts).
DOCUMENT_KINDS = (PDF, DOCX, ODT)
IMAGE_KINDS = (JPEG, PNG)

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: "application/vnd.oasis.opendocument.text",
    JPEG: "image/jpeg",
    PNG: "image/png",
}
KIND_LABELS = {PDF: "PDF", DOCX: "Word (.docx)", ODT: "OpenDocument text (.odt)", JPEG: "JPEG (.jpg)", PNG: "PNG"}
# What a file name's extension says the file is.
_CLAIMED_KINDS = {
    "pdf": PDF,
    "docx": DOCX,
    "odt": ODT,
    "jpg": JPEG,
    "jpeg": JPEG,
    "jpe": JPEG,
    "jfif": JPEG,
    "png": PNG,
}
_DESCRIPTIONS = {
    PDF: "a PDF",
    DOCX: "a Word document",
    ODT: "an OpenDocument text file",
    JPEG: "a JPEG image",
    PNG: "a PNG image",
}

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# An Office file protected with a password is an OLE container holding this stream.
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")

MALWARE_MESSAGE = (
    "The selected file contains a virus or other malware and was refused. Do not open it again. "
    "Tell your IT service desk where the file came from."
)
SCANNER_UNAVAILABLE_MESSAGE = (
    "The selected file could not be checked for viruses because the virus scanner is not available, "
    "so it was not uploaded. Try again in a few minutes. If it keeps happening, contact your IT service desk."
)


@dataclass(frozen=True)
class ValidatedUpload:
    kind: str
    content_type: str
    # The user's file name, cleaned: shown and offered on download, never stored as a path.
    display_name: str
    # Of the file as stored: for a photo, the re-encoded one.
    size: int
    sha256: str
    # What is stored instead of the upload (a photo re-encoded without its metadata), if anything.
    content: bytes | None = field(default=None, repr=False, compare=False)


def max_upload_bytes() -> int:
    return int(getattr(settings, "KINFOLK_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def sanitise_filename(name: str, *, kind: str | None = None, fallback: str = "document") -> str:
    """A display name safe to show and to send in Content-Disposition.

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


def _read_all(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def detect_kind(upload: IO[bytes], *, allowed: tuple[str, ...] = DOCUMENT_KINDS, name: str = "") -> str:
    """The kind the bytes prove, after the structural checks for that kind."""
    return _inspect(upload, allowed=allowed, name=name)[0]


def _inspect(upload: IO[bytes], *, allowed: tuple[str, ...], name: str) -> tuple[str, bytes | None]:
    """The kind, and for a photo the bytes to store instead of the upload's."""
    head = _read_head(upload)
    what = executable_kind(head)
    if what:
        raise refuse(f"The selected file is {what}, not a document, and was refused.", "executable")
    claimed = _claimed_kind(name)
    photo = image_kind(head)
    if photo is not None:
        _check_claim(claimed, photo)
        # Decoded only for a caller that takes photos: nothing else of them is ever parsed.
        if photo not in allowed:
            raise _not_allowed(allowed)
        return photo, clean_image(_read_all(upload), photo)
    # Whatever else it is (a PDF renamed .jpg, a text file), it is not the photo its name says.
    _check_claim(claimed, PDF if head.startswith(b"%PDF-") else None)
    if head.startswith(b"%PDF-"):
        check_pdf(_read_all(upload))
        return PDF, None
    if head.startswith(b"PK\x03\x04"):
        return check_zip_document(upload), None
    if head.startswith(OLE_MAGIC):
        if _ENCRYPTED_OOXML in _read_all(upload):
            raise refuse(
                "The selected file is a password-protected Word document, so it cannot be checked. "
                "Open it, remove the password (File, Info, Protect Document), save it and upload it again.",
                "encrypted",
            )
        raise refuse(
            "The selected file is an old-style Word document (.doc), which can carry macros. "
            "Save it as .docx or PDF and upload that.",
            "legacy_office",
        )
    raise refuse(f"The selected file must be {_one_of(allowed)} file.", "wrong_type")


def _claimed_kind(name: str) -> str | None:
    _, dot, extension = (name or "").rpartition(".")
    return _CLAIMED_KINDS.get(extension.strip().lower()) if dot else None


def _check_claim(claimed: str | None, actual: str | None) -> None:
    """A name that says photo must hold that photo; a photo must not be named as a document.

    A document whose name says another document kind (or nothing we know) is taken
    for what its bytes are, as it always was: only claims involving a photo are held
    to, because a photo is stored re-encoded and a viewer must not be handed one
    kind under another's name.
    """
    if claimed is None or claimed == actual or (claimed not in IMAGE_KINDS and actual not in IMAGE_KINDS):
        return
    really = f"it is {_DESCRIPTIONS[actual]}" if actual else "it is not one"
    raise refuse(
        f"The selected file’s name says it is {_DESCRIPTIONS[claimed]}, but {really}. "
        "Upload the original photo or document, with the name it was saved with.",
        "misnamed",
    )


def _one_of(kinds: tuple[str, ...]) -> str:
    """`a PDF, Word (.docx) or OpenDocument text (.odt)`."""
    labels = [KIND_LABELS[k] for k in kinds]
    listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
    return f"a {listed}"


def _not_allowed(allowed: tuple[str, ...]) -> Exception:
    labels = ", ".join(KIND_LABELS[k] for k in allowed)
    return refuse(f"The selected file must be one of: {labels}.", "wrong_type")


def scan_for_malware(upload: IO[bytes], *, sha256: str, size: int, for_obj: models.Model | None) -> None:
    """Refuse the file if ClamAV finds malware in it, or if ClamAV cannot be asked (fail closed).

    A find is written to the audit trail against `for_obj` (the record the file
    was meant for) in its own transaction, which commits before the refusal is
    raised: callers must not call this inside a transaction that the refusal
    rolls back.
    """
    if not clamav.scanning_enabled():
        return
    try:
        verdict = clamav.scan(upload)
    except clamav.ScannerUnavailable as exc:
        logger.error("Upload refused: the malware scanner is unavailable (%s); sha256=%s", exc, sha256)
        raise refuse(SCANNER_UNAVAILABLE_MESSAGE, "scanner_unavailable") from exc
    if not verdict.infected:
        return
    logger.warning("Upload refused: malware %s found; sha256=%s size=%d", verdict.signature, sha256, size)
    with transaction.atomic():
        audit.record(
            action=AuditAction.UPLOAD_REFUSED,
            obj=for_obj,
            object_type="" if for_obj is not None else "upload",
            detail={"reason": "malware", "signature": verdict.signature, "sha256": sha256, "size": size},
        )
    raise refuse(MALWARE_MESSAGE, "malware")


def validate_upload(
    upload: File[Any],
    *,
    for_obj: models.Model | None,
    allowed: tuple[str, ...] = DOCUMENT_KINDS,
    max_bytes: int | None = None,
) -> ValidatedUpload:
    """Check an uploaded file: size, then ClamAV, then its content and structure.

    Raises ValidationError with a message for the user. Every file that is not
    empty or oversize goes to ClamAV first (the file as uploaded, before a photo is
    re-encoded), so known malware is caught and audited whatever else is wrong with
    it. `for_obj` names the record the file is for, in the audit row of a malware
    find. `allowed` is the kinds this caller takes: photos only where named.
    """
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise refuse(f"The selected file must be smaller than {_megabytes(limit)}.", "too_large")
    if not declared:
        raise refuse("The selected file is empty.", "empty")
    sha256, size = _sha256_and_size(upload)
    if size == 0:
        raise refuse("The selected file is empty.", "empty")
    if size > limit:
        raise refuse(f"The selected file must be smaller than {_megabytes(limit)}.", "too_large")
    scan_for_malware(upload, sha256=sha256, size=size, for_obj=for_obj)
    name = getattr(upload, "name", "") or ""
    kind, content = _inspect(upload, allowed=allowed, name=name)
    if kind not in allowed:
        raise _not_allowed(allowed)
    if content is not None:
        sha256, size = hashlib.sha256(content).hexdigest(), len(content)
    return ValidatedUpload(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        display_name=sanitise_filename(name, kind=kind),
        size=size,
        sha256=sha256,
        content=content,
    )


def generated_name(directory: str, kind: str) -> str:
    """A storage name that says nothing about the file: a random id and the proven extension."""
    return f"{directory.strip('/')}/{uuid.uuid4().hex}.{kind}"


def store_upload(upload: File[Any], validated: ValidatedUpload, *, directory: str) -> str:
    """Save to the private default storage under a generated name; returns the storage name.

    The user's file name is never part of it (`directory` must not carry case
    details either: use ids). The default storage has no URL of its own
    (config/settings.py): files are only ever served by a view that checks
    permission first.
    """
    name = generated_name(directory, validated.kind)
    if validated.content is not None:
        return default_storage.save(name, ContentFile(validated.content))
    upload.seek(0)
    return default_storage.save(name, upload)


def stored_content_type(name: str) -> str:
    """The content type of a file stored by `store_upload`, from the kind its generated name ends with."""
    return CONTENT_TYPES.get(name.rpartition(".")[2], "application/octet-stream")
