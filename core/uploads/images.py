"""JPEG and PNG photos checked by their structure, decoded in full, and stored re-encoded without metadata.

A photo from a phone carries EXIF metadata: where it was taken (GPS), when, and
on which device. A volunteer's receipt photographed at home gives away their
address, so the stored file is never the uploaded one: it is the decoded pixels,
turned upright by the EXIF orientation first, encoded again by Pillow with
nothing but the colour profile kept (no EXIF, XMP, comments, text chunks or
thumbnails, and only the first frame of an MPO or animated PNG).

The structure is walked here before Pillow sees the file, for two reasons:
- a truncated file must be refused, and Pillow's own check can be switched off
  for the whole process (`ImageFile.LOAD_TRUNCATED_IMAGES`; WeasyPrint switches
  it off when it is first imported, so every worker that has rendered a PDF
  would otherwise accept half a photo);
- the pixel count is read from the header, so a decompression bomb (a small
  file that decodes to gigabytes) is refused before any memory is allocated.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageOps, UnidentifiedImageError

from core.uploads.refusals import JPEG, PNG, refuse

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# A 48- or 50-megapixel phone camera's photo passes; decoding one takes about 150 MB.
MAX_IMAGE_PIXELS = 50_000_000
# Phones write one scan; progressive encoders about ten. Thousands make decoding
# take minutes (each scan is decoded over the whole image).
MAX_JPEG_SCANS = 100
JPEG_QUALITY = 90

_PILLOW_FORMATS = {JPEG: ("JPEG", {"JPEG", "MPO"}), PNG: ("PNG", {"PNG"})}
_NAMES = {JPEG: "JPEG image", PNG: "PNG image"}
# Start-of-frame markers (every JPEG coding process), which carry the image's size.
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and the restart markers
_SOS, _EOI = 0xDA, 0xD9
_PILLOW_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error, TypeError)


def image_kind(head: bytes) -> str | None:
    """JPEG or PNG by the first bytes, or None."""
    if head.startswith(JPEG_MAGIC):
        return JPEG
    if head.startswith(PNG_MAGIC):
        return PNG
    return None


def clean_image(data: bytes, kind: str) -> bytes:
    """Check a JPEG or PNG and return it re-encoded, upright and without metadata; refuse it otherwise."""
    width, height = _jpeg_size(data) if kind == JPEG else _png_size(data)
    _check_pixels(width, height)
    pillow_format, accepted = _PILLOW_FORMATS[kind]
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            if image.format not in accepted:
                raise _damaged(kind)
            _check_pixels(*image.size)
            image.load()
            return _reencode(image, kind)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        raise _damaged(kind) from exc
    except _PILLOW_ERRORS as exc:
        raise _damaged(kind) from exc


def _reencode(image: Image.Image, kind: str) -> bytes:
    # Turn the pixels as the camera said, before the orientation tag goes with the rest of the EXIF.
    ImageOps.exif_transpose(image, in_place=True)
    keep = {key: image.info[key] for key in ("icc_profile", "transparency") if image.info.get(key) is not None}
    # Pillow writes some of `info` unasked (a JPEG comment, PNG colour data): start from nothing.
    image.info = {}
    out = io.BytesIO()
    if kind == JPEG:
        keep.pop("transparency", None)
        if image.mode not in {"L", "RGB", "CMYK"}:
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=JPEG_QUALITY, **keep)
    else:
        image.save(out, format="PNG", **keep)
    return out.getvalue()


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Walk the JPEG's segments to its end-of-image marker; its size from the frame header.

    Every segment's length must fit in the file and each scan's data must end at a
    marker, so a file cut short anywhere is refused. Data after the end-of-image
    marker is allowed (phones append a second picture or a maker's trailer) and is
    not stored.
    """
    size: tuple[int, int] | None = None
    scans = 0
    pos, end = 2, len(data)
    while True:
        while pos < end and data[pos] == 0xFF and pos + 1 < end and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos + 2 > end or data[pos] != 0xFF:
            raise _damaged(JPEG)
        marker = data[pos + 1]
        if marker == _EOI:
            break
        if marker in _STANDALONE_MARKERS:
            pos += 2
            continue
        if pos + 4 > end:
            raise _damaged(JPEG)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > end:
            raise _damaged(JPEG)
        if marker in _SOF_MARKERS and length >= 7:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        pos += 2 + length
        if marker == _SOS:
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise refuse(
                    "The selected JPEG image is built in a way that takes too long to check. "
                    "Save it again as a JPEG or PNG and upload that.",
                    "image_too_complex",
                )
            pos = _end_of_scan(data, pos)
    if size is None or scans == 0:
        raise _damaged(JPEG)
    return size


def _end_of_scan(data: bytes, pos: int) -> int:
    """Where the entropy-coded data that starts at `pos` ends: the next marker that is not a restart."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise _damaged(JPEG)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2  # a stuffed 0xFF byte, or a restart marker inside the scan
        elif following == 0xFF:
            pos += 1
        else:
            return pos


def _png_size(data: bytes) -> tuple[int, int]:
    """Walk the PNG's chunks, each checked against its CRC, to IEND; its size from IHDR."""
    pos, end = len(PNG_MAGIC), len(data)
    size: tuple[int, int] | None = None
    while True:
        if pos + 12 > end:
            raise _damaged(PNG)
        length, chunk_type = struct.unpack(">I4s", data[pos : pos + 8])
        body_end = pos + 8 + length
        if body_end + 4 > end:
            raise _damaged(PNG)
        (crc,) = struct.unpack(">I", data[body_end : body_end + 4])
        if zlib.crc32(data[pos + 4 : body_end]) != crc:
            raise _damaged(PNG)
        if size is None:
            if chunk_type != b"IHDR" or length != 13:
                raise _damaged(PNG)
            size = struct.unpack(">II", data[pos + 8 : pos + 16])
        if chunk_type == b"IEND":
            return size
        pos = body_end + 4


def _damaged(kind: str) -> Exception:
    return refuse(
        f"The selected file is damaged or is not a complete {_NAMES[kind]}. "
        "Take the photo again, or save it again, and upload it.",
        "image_damaged",
    )


def _too_many_pixels() -> Exception:
    return refuse(
        f"The selected image has more than {MAX_IMAGE_PIXELS // 1_000_000} million pixels, far more than a photo "
        "needs, and was refused. Take the photo again at a lower resolution, or save it smaller, and upload it.",
        "image_too_large",
    )
