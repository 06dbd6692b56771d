"""What every upload check raises: a ValidationError whose message the user can act on."""

from __future__ import annotations

from django.core.exceptions import ValidationError

PDF = "pdf"
DOCX = "docx"
ODT = "odt"
JPEG = "jpg"
PNG = "png"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGIC = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
)


def refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def executable_kind(head: bytes) -> str | None:
    """What sort of program these first bytes start, if any."""
    for magic, what in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return what
    return None
