"""Good and bad uploads, built in memory: the corpus the upload tests try."""

from __future__ import annotations

import io
import zipfile

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def minimal_pdf(text: str = "Chronology") -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def minimal_docx(main: str = DOCX_MAIN, extra: dict[str, bytes] | None = None) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _DOCX_TYPES.format(main=main).encode(),
            "word/document.xml": b"<w:document/>",
            **(extra or {}),
        }
    )


def minimal_odt(extra: dict[str, bytes] | None = None) -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest/>",
            **(extra or {}),
        }
    )


def docm() -> bytes:
    return minimal_docx(main=DOCM_MAIN, extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def docx_with_vba_part_only() -> bytes:
    """Claims to be a plain .docx but carries a VBA project."""
    return minimal_docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def odt_with_basic_macros() -> bytes:
    return minimal_odt(extra={"Basic/Standard/Module1.xml": b"<script:module/>"})


def windows_exe() -> bytes:
    return b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode." + b"\x00" * 200


def elf_binary() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def zip_bomb(megabytes: int = 300) -> bytes:
    """A .docx-shaped zip whose one entry inflates from ~300 KB to `megabytes` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES.format(main=DOCX_MAIN).encode())
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                entry.write(chunk)
    return out.getvalue()


def many_entries(count: int = 5000) -> bytes:
    return minimal_docx(extra={f"word/media/{i}.xml": b"x" for i in range(count)})


def legacy_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


def plain_text() -> bytes:
    return b"Just some notes, not a document format."


def pdf_with_javascript() -> bytes:
    return minimal_pdf().replace(
        b"<< /Type /Catalog", b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Type /Catalog"
    )


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _DOCX_TYPES.format(
                main="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ).encode(),
            "xl/workbook.xml": b"<workbook/>",
        }
    )
