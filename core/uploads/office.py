"""Word (.docx) and OpenDocument text (.odt) files: zip containers checked part by part.

Sizes are judged from the central directory (entry count, total uncompressed size,
compression ratio) *before* anything is decompressed, and every part we read is
read with a hard cap, because the directory is written by whoever made the file
and may lie.

Refused: macros (VBA projects, macro-enabled content types, OpenDocument Basic and
scripts), embedded OLE objects (`word/embeddings/*.bin`, OpenDocument `Object N`
parts) and anything that is a program, by name or by its first bytes. An Office
Open XML package embedded in a Word file (the workbook behind a chart) is opened
and checked the same way, one level deep.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO

from core.uploads.refusals import DOCX, ODT, OLE_MAGIC, executable_kind, refuse

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Limits on what a .docx/.odt may expand to. Real documents are far below them.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
# Small entries compress absurdly well (a page of spaces), so only judge the
# ratio of entries that expand to more than this.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024
# An embedded workbook or document read into memory to be checked in turn.
MAX_EMBEDDED_PACKAGE_BYTES = 20 * 1024 * 1024

_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_MARKERS = (
    b"macroenabled",
    b"vnd.ms-office.vbaproject",
    b"vnd.ms-word.document.macroenabled",
    b"vnd.ms-word.template.macroenabled",
    b"vnd.ms-office.activex",
)
# Office Open XML packages Word keeps in word/embeddings for charts and pasted
# tables; they are checked as packages. Anything else there is an OLE object.
_EMBEDDED_PACKAGES = (".docx", ".xlsx", ".pptx")
# OpenDocument keeps each embedded object (a chart, a formula, another program's
# OLE object) as `Object N` or the folder `Object N/` at the top of the zip.
_ODF_OBJECT = re.compile(r"^object \d+(/|$)", re.IGNORECASE)
_PROGRAM_EXTENSIONS = frozenset(
    {"exe", "dll", "com", "scr", "pif", "cpl", "msi", "msp", "bat", "cmd", "ps1", "psm1", "vbs", "vbe"}
    | {"js", "jse", "wsf", "wsh", "hta", "jar", "lnk", "reg", "sh", "so", "dylib", "app"}
)

_BOMB = "The selected file expands to far more than its size, like an archive bomb, and was refused."
_EMBEDDED_OBJECT = (
    "The selected file contains an embedded object (such as a pasted-in spreadsheet, program or "
    "other file), which can carry harmful code. Remove the embedded object or save the document "
    "as a PDF, and upload that."
)
_ODF_EMBEDDED_OBJECT = (
    "The selected file contains an embedded object (such as a chart, formula or another program's "
    "object), which can carry harmful code. Save the document as a PDF and upload that."
)


def check_zip_document(upload: IO[bytes]) -> str:
    """Which zip-based document this is (DOCX or ODT), refusing bombs, macros and embedded objects."""
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(
            "The selected file is damaged or is not a Word or OpenDocument file.",
            "bad_zip",
        ) from exc
    with archive:
        infos = archive.infolist()
        _check_sizes(infos)
        names = {info.filename for info in infos}
        _check_macro_parts(names)
        kind = _identify(archive, names)
        _check_parts(archive, infos, kind=kind, depth=0)
        return kind


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise refuse("The selected file has too many parts to be a document and was refused.", "zip_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        ratio_judged = info.file_size > RATIO_FLOOR_BYTES
        if ratio_judged and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise refuse(_BOMB, "zip_bomb")
    if total > MAX_ZIP_UNCOMPRESSED:
        raise refuse(_BOMB, "zip_bomb")


def _check_macro_parts(names: set[str]) -> None:
    lowered = {n.lower() for n in names}
    if any(n.endswith(("vbaproject.bin", "vbadata.xml")) for n in lowered) or any(
        n.startswith(("basic/", "scripts/")) for n in lowered
    ):
        raise refuse(
            "The selected file contains macros. Save it as a Word document (.docx) without macros, or as a PDF.",
            "macro",
        )


def _identify(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        types = read_capped(archive, "[Content_Types].xml").lower()
        if any(marker in types for marker in _MACRO_MARKERS):
            raise refuse(
                "The selected file is a macro-enabled Word document (.docm). "
                "Save it as a Word document (.docx) or a PDF.",
                "macro",
            )
        if _DOCX_MAIN in types and "word/document.xml" in names:
            return DOCX
        raise refuse(
            "The selected file is an Office file but not a Word document. Upload a PDF, .docx or .odt file.",
            "wrong_type",
        )
    if "mimetype" in names:
        mimetype = read_capped(archive, "mimetype").strip()
        if mimetype == ODT_MIMETYPE and "content.xml" in names:
            manifest = read_capped(archive, "META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
            if b"basic" in manifest.lower() and b"script" in manifest.lower():
                raise refuse("The selected file contains macros. Save it without macros, or as a PDF.", "macro")
            return ODT
        raise refuse(
            "The selected file is an OpenDocument file but not a text document. Upload a PDF, .docx or .odt file.",
            "wrong_type",
        )
    raise refuse(
        "The selected file must be a PDF, Word (.docx) or OpenDocument text (.odt) file.",
        "wrong_type",
    )


def _check_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], *, kind: str | None, depth: int) -> None:
    """Refuse embedded objects and programs, by part name and by each part's first bytes."""
    for info in infos:
        lower = info.filename.lower()
        base = lower.rstrip("/").rsplit("/", 1)[-1]
        if "." in base and base.rsplit(".", 1)[-1] in _PROGRAM_EXTENSIONS:
            raise refuse("The selected file has a program inside it and was refused.", "executable")
        if kind == DOCX and lower.startswith("word/embeddings/") and not lower.endswith(_EMBEDDED_PACKAGES):
            raise refuse(_EMBEDDED_OBJECT, "embedded_object")
        if kind == ODT and _ODF_OBJECT.match(info.filename):
            raise refuse(_ODF_EMBEDDED_OBJECT, "embedded_object")
        if info.is_dir() or info.file_size == 0:
            continue
        head = _read_part(archive, info, 8)
        if head.startswith(OLE_MAGIC):
            raise refuse(_EMBEDDED_OBJECT, "embedded_object")
        if executable_kind(head):
            raise refuse("The selected file has a program inside it and was refused.", "executable")
        if head.startswith(b"PK\x03\x04"):
            if depth > 0:
                # A package inside a package inside the document: no real document does this.
                raise refuse(_EMBEDDED_OBJECT, "embedded_object")
            _check_embedded_package(_read_part(archive, info, MAX_EMBEDDED_PACKAGE_BYTES + 1))


def _check_embedded_package(data: bytes) -> None:
    if len(data) > MAX_EMBEDDED_PACKAGE_BYTES:
        raise refuse(_EMBEDDED_OBJECT, "embedded_object")
    try:
        nested = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(_EMBEDDED_OBJECT, "embedded_object") from exc
    with nested:
        infos = nested.infolist()
        _check_sizes(infos)
        names = {info.filename for info in infos}
        _check_macro_parts(names)
        if "[Content_Types].xml" in names:
            types = read_capped(nested, "[Content_Types].xml").lower()
            if any(marker in types for marker in _MACRO_MARKERS):
                raise refuse(
                    "The selected file contains a macro-enabled embedded document. Save it as a PDF and upload that.",
                    "macro",
                )
        _check_parts(nested, infos, kind=None, depth=1)


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    try:
        with archive.open(info) as entry:
            return entry.read(limit)
    except RuntimeError as exc:  # zipfile's word for an encrypted part
        raise refuse(
            "The selected file is password-protected, so it cannot be checked. "
            "Save a copy without a password and upload that.",
            "encrypted",
        ) from exc
    # zlib.error: a part whose compressed bytes are damaged, though the zip's directory is whole.
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, ValueError, EOFError) as exc:
        raise refuse("The selected file is damaged or is not a document.", "bad_zip") from exc


def read_capped(archive: zipfile.ZipFile, name: str) -> bytes:
    data = _read_part(archive, archive.getinfo(name), MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise refuse("The selected file is damaged or is not a document.", "zip_bomb")
    return data
