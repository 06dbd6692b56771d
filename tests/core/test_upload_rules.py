"""The upload rules one at a time: each hostile file here breaks one rule and nothing else.

The corpus (tests/core/uploads_corpus.py) holds files as they are found in the
wild, and many of them break several rules at once (the zip bomb is both too
compressed and too large). Here each rule is tried on its own, at its limit
and just past it, so that a rule quietly dropped or moved is noticed
(`make mutate`, docs/testing.md). The content checks are called directly
(`detect_kind`); the size and ClamAV rules go through `validate_upload`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from functools import cache

import pytest
from django.core.exceptions import ValidationError

from core.uploads import detect_kind
from tests.core import uploads_corpus as corpus

MB = 1024 * 1024
# The limits, written out rather than imported, so that a limit moved in core/uploads/office.py is noticed.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_RATIO = 100
MAX_ZIP_UNCOMPRESSED = 200 * MB
RATIO_FLOOR_BYTES = MB
_BOMB = "expands to far more than its size"
_MACROS = "contains macros"


def _kind(data: bytes) -> str:
    return detect_kind(io.BytesIO(data))


def _refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        _kind(data)
    return " ".join(refused.value.messages)


def _noise(size: int) -> bytes:
    """Bytes that do not compress, the same on every run."""
    blocks = (hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def _zip(entries: dict[str, bytes], *, level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docx_with(parts: dict[str, bytes], *, level: int = 6) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(corpus.minimal_docx()))
    entries = {info.filename: base.read(info) for info in base.infolist()}
    return _zip({**entries, **parts}, level=level)


def _compressed_size(data: bytes) -> int:
    return zipfile.ZipFile(io.BytesIO(_zip({"part": data}))).infolist()[0].compress_size


@cache
def _part_expanding_exactly_at_the_ratio_limit() -> bytes:
    """A part over the ratio floor whose uncompressed size is exactly MAX_ZIP_RATIO times its compressed size.

    Incompressible noise followed by zeros: the noise sets the compressed size, the
    zeros the uncompressed size, and a few rounds settle on an exact fit.
    """
    for noise in range(12_000, 16_000, 7):
        prefix = _noise(noise)
        size = MAX_ZIP_RATIO * _compressed_size(prefix + bytes(RATIO_FLOOR_BYTES))
        for _ in range(8):
            fitted = MAX_ZIP_RATIO * _compressed_size(prefix + bytes(size - noise))
            if fitted == size:
                return prefix + bytes(size - noise)
            size = fitted
    raise AssertionError("no part fits the ratio limit exactly")


# --- Zip bombs: the compression ratio and the total size, each on its own -------------------


def test_a_small_document_with_one_part_expanding_past_the_ratio_limit_is_refused() -> None:
    # 2 MB of zeros squeezes to about 2 KB: a thousand times, far past the limit, while
    # the whole file expands to 2 MB, far below the total limit.
    refusal = _refusal(_docx_with({"word/media/image1.png": bytes(2 * MB)}))
    assert _BOMB in refusal


def test_a_part_expanding_exactly_to_the_ratio_limit_is_accepted_and_one_byte_more_is_refused() -> None:
    part = _part_expanding_exactly_at_the_ratio_limit()
    info = zipfile.ZipFile(io.BytesIO(_zip({"p": part}))).infolist()[0]
    assert info.file_size == MAX_ZIP_RATIO * info.compress_size > RATIO_FLOOR_BYTES  # the point of the sample
    assert _kind(_docx_with({"word/media/image1.png": part})) == "docx"
    assert _BOMB in _refusal(_docx_with({"word/media/image1.png": part + bytes(1)}))


def test_a_part_of_up_to_a_megabyte_is_not_judged_by_its_ratio_however_well_it_compresses() -> None:
    # A page of spaces compresses a thousand times; it is no bomb.
    assert _kind(_docx_with({"word/media/blank.xml": bytes(RATIO_FLOOR_BYTES)})) == "docx"


@cache
def _parts_totalling(total: int) -> bytes:
    """Parts of at most 1 MB each (none judged by its ratio) expanding to exactly `total` bytes in all."""
    base = zipfile.ZipFile(io.BytesIO(corpus.minimal_docx()))
    left = total - sum(info.file_size for info in base.infolist())
    parts = {}
    for i in range(left // RATIO_FLOOR_BYTES):
        parts[f"word/media/{i}.xml"] = bytes(RATIO_FLOOR_BYTES)
    parts["word/media/last.xml"] = bytes(left % RATIO_FLOOR_BYTES)
    return _docx_with(parts, level=1)


def test_a_document_whose_parts_together_expand_one_byte_past_the_total_limit_is_refused() -> None:
    assert _BOMB in _refusal(_parts_totalling(MAX_ZIP_UNCOMPRESSED + 1))


def test_a_document_whose_parts_together_expand_exactly_to_the_total_limit_is_accepted() -> None:
    assert _kind(_parts_totalling(MAX_ZIP_UNCOMPRESSED)) == "docx"


def test_a_part_one_byte_over_a_megabyte_is_judged_by_its_ratio() -> None:
    assert _BOMB in _refusal(_docx_with({"word/media/blank.xml": bytes(RATIO_FLOOR_BYTES + 1)}))


def test_an_office_package_with_a_word_part_but_another_main_type_is_refused() -> None:
    types = (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b"</Types>"
    )
    assert "not a Word document" in _refusal(_zip({"[Content_Types].xml": types, "word/document.xml": b"<w/>"}))


def test_anything_in_word_embeddings_but_an_office_package_is_refused_whatever_its_first_bytes() -> None:
    docx = corpus.minimal_docx(extra={"word/embeddings/package.bin": b"plain bytes, no OLE header"})
    assert "contains an embedded object" in _refusal(docx)


def test_a_document_of_exactly_the_most_parts_allowed_is_accepted() -> None:
    extra = MAX_ZIP_ENTRIES - 2  # the minimal .docx has two parts
    assert _kind(corpus.minimal_docx(extra={f"word/media/{i}.xml": b"x" for i in range(extra)})) == "docx"
    assert "too many parts" in _refusal(
        corpus.minimal_docx(extra={f"word/media/{i}.xml": b"x" for i in range(extra + 1)})
    )


# --- What the content says it is -----------------------------------------------------------


def _odf(mimetype: bytes, *, manifest: bytes = b"<manifest/>", content: bool = True) -> bytes:
    entries = {"mimetype": mimetype, "META-INF/manifest.xml": manifest}
    if content:
        entries["content.xml"] = b"<office:document-content/>"
    return _zip(entries)


def test_a_spreadsheet_named_odt_is_refused_as_not_a_text_document() -> None:
    sheet = _odf(b"application/vnd.oasis.opendocument.spreadsheet")
    assert "OpenDocument file but not a text document" in _refusal(sheet)


def test_an_opendocument_text_mimetype_without_any_content_is_refused() -> None:
    assert "not a text document" in _refusal(_odf(b"application/vnd.oasis.opendocument.text", content=False))


def test_an_office_package_declaring_a_word_document_without_one_is_refused() -> None:
    types = zipfile.ZipFile(io.BytesIO(corpus.minimal_docx())).read("[Content_Types].xml")
    package = _zip({"[Content_Types].xml": types, "word/other.xml": b"<w:document/>"})
    assert "not a Word document" in _refusal(package)


def test_a_zip_that_is_neither_office_nor_opendocument_is_refused() -> None:
    assert "must be a PDF, Word (.docx) or OpenDocument text (.odt)" in _refusal(_zip({"notes.txt": b"hello"}))


# --- Macros declared in one place only -----------------------------------------------------

_BASIC_MANIFEST = (
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    b'<manifest:file-entry manifest:full-path="Basic/script-lc.xml" manifest:media-type="text/xml"/>'
    b'<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)


def test_an_odt_whose_manifest_alone_declares_basic_macros_is_refused() -> None:
    odt = _odf(b"application/vnd.oasis.opendocument.text", manifest=_BASIC_MANIFEST)
    assert _MACROS in _refusal(odt)


@pytest.mark.parametrize("picture", ["Pictures/transcript.png", "Pictures/basic-needs.png"], ids=["script", "basic"])
def test_an_odt_with_a_picture_whose_name_holds_one_macro_word_is_accepted(picture: str) -> None:
    manifest = f'<manifest:file-entry manifest:full-path="{picture}"/>'.encode()
    assert _kind(_odf(b"application/vnd.oasis.opendocument.text", manifest=manifest)) == "odt"


def test_a_docx_whose_content_types_alone_declare_it_macro_enabled_is_refused() -> None:
    # No vbaProject.bin part: only [Content_Types].xml says this is a .docm.
    assert "macro-enabled Word document" in _refusal(corpus.minimal_docx(main=corpus.DOCM_MAIN))


def test_a_docx_whose_content_types_alone_declare_activex_controls_is_refused() -> None:
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/word/document.xml" ContentType="{corpus.DOCX_MAIN}"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/>'
        "</Types>"
    ).encode()
    docx = _zip({"[Content_Types].xml": types, "word/document.xml": b"<w:document/>"})
    assert "macro-enabled" in _refusal(docx)


@pytest.mark.parametrize("part", ["word/vbaData.xml", "Scripts/javascript/Library/main.js.xml"])
def test_a_macro_part_alone_is_refused(part: str) -> None:
    make: Callable[..., bytes] = corpus.minimal_odt if part.startswith("Scripts") else corpus.minimal_docx
    assert _MACROS in _refusal(make(extra={part: b"<x/>"}))


# --- Damaged files: refused with a message, never an error -----------------------------------


def _with_damaged_part(part: str) -> bytes:
    """A .docx whose `part` has its compressed bytes overwritten: the zip's directory is intact."""
    good = bytearray(_docx_with({"word/media/notes.xml": b"Chronology of events. " * 500}))
    start = good.index(part.encode()) + len(part)
    for i in range(start + 5, start + 40):
        good[i] ^= 0xFF
    return bytes(good)


@pytest.mark.parametrize("part", ["word/media/notes.xml", "[Content_Types].xml"])
def test_a_zip_with_a_damaged_part_is_refused_as_damaged(part: str) -> None:
    assert "damaged" in _refusal(_with_damaged_part(part))


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + _noise(300), corpus.minimal_docx()[:200]],
    ids=["garbage-after-the-signature", "cut-short"],
)
def test_a_broken_zip_is_refused_as_damaged(data: bytes) -> None:
    assert "damaged or is not a Word or OpenDocument file" in _refusal(data)


def test_a_pdf_cut_short_is_refused_as_damaged() -> None:
    whole = corpus.minimal_pdf()
    assert "damaged or is not a complete PDF" in _refusal(whole[: whole.rindex(b"startxref")])


# --- Office packages embedded in a Word document, and parts by name ------------------------


_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _xlsx(extra: dict[str, bytes] | None = None, *, main: str = _XLSX_MAIN) -> bytes:
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        "</Types>"
    ).encode()
    return _zip({"[Content_Types].xml": types, "xl/workbook.xml": b"<workbook/>", **(extra or {})})


def _docx_embedding(workbook: bytes) -> bytes:
    return corpus.minimal_docx(extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook})


@pytest.mark.parametrize(
    ("workbook", "expected"),
    [
        (_xlsx(main="application/vnd.ms-excel.sheet.macroEnabled.main+xml"), "macro-enabled embedded document"),
        (_xlsx({"xl/vbaProject.bin": b"<x/>"}), _MACROS),
        (_xlsx({"xl/media/blank.bin": bytes(2 * MB)}), _BOMB),
        (_xlsx({"xl/embeddings/inner.xlsx": _xlsx()}), "contains an embedded object"),
        (b"PK\x03\x04" + _noise(200), "contains an embedded object"),
    ],
    ids=["macro-enabled", "vba-part", "bomb", "package-in-a-package", "damaged"],
)
def test_an_embedded_workbook_breaking_one_rule_is_refused(workbook: bytes, expected: str) -> None:
    assert expected in _refusal(_docx_embedding(workbook))


def test_a_part_named_as_a_program_is_refused_whatever_it_holds() -> None:
    assert "has a program inside it" in _refusal(corpus.minimal_docx(extra={"word/media/setup.exe": b"text"}))


def test_content_types_of_exactly_a_megabyte_are_read_and_one_byte_more_is_refused() -> None:
    def docx(padding: int) -> bytes:
        types = zipfile.ZipFile(io.BytesIO(corpus.minimal_docx())).read("[Content_Types].xml")
        # Noise in a comment: it does not compress, so no ratio rule applies.
        comment = b"<!--" + _noise(padding).hex().encode()[:padding] + b"-->"
        padded = types + comment
        return _zip({"[Content_Types].xml": padded, "word/document.xml": b"<w:document/>"})

    size = len(zipfile.ZipFile(io.BytesIO(corpus.minimal_docx())).read("[Content_Types].xml")) + 7
    assert _kind(docx(MB - size)) == "docx"
    assert "damaged or is not a document" in _refusal(docx(MB - size + 1))
