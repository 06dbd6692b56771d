"""Photos (JPEG and PNG) as phones save them, and broken or hostile ones, built in memory.

Photos are accepted only where a caller allows them (volunteers' receipts):
tests/core/test_upload_images.py tries these through core.uploads.
"""

from __future__ import annotations

import io
import struct

from PIL import ExifTags, Image, PngImagePlugin

from tests.core.uploads_corpus import EICAR

# Where the phone was, and what it is: what must never be stored.
GPS_LATITUDE = (51.0, 30.0, 26.0)
CAMERA_MAKE = "KinfolkPhoneCo"


def _photo_pixels(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """A white picture with a red band down its left edge, so a turn shows where the band went."""
    picture = Image.new("RGB", size, "white")
    picture.paste((255, 0, 0), (0, 0, size[0] // 4, size[1]))
    return picture


def _phone_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = "Model X"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return exif


def phone_jpeg(*, orientation: int = 6, comment: bytes = b"") -> bytes:
    """A photo as a phone saves it: 40 by 20 pixels stored, EXIF saying turn it 90° clockwise (6), and GPS."""
    out = io.BytesIO()
    _photo_pixels().save(out, format="JPEG", quality=95, exif=_phone_exif(orientation), comment=comment)
    return out.getvalue()


def phone_png() -> bytes:
    """A PNG with transparency, an eXIf chunk with GPS and a text chunk naming its author."""
    picture = _photo_pixels().convert("RGBA")
    picture.putpixel((39, 19), (0, 0, 255, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Smithson family")
    out = io.BytesIO()
    picture.save(out, format="PNG", exif=_phone_exif(1), pnginfo=info)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    """A photo cut off part-way through its picture data, as an interrupted upload leaves it."""
    data = phone_jpeg()
    scan = data.index(b"\xff\xda")
    return data[: scan + (len(data) - scan) // 2]


def truncated_png() -> bytes:
    """A PNG cut off part-way through its picture data."""
    data = phone_png()
    pixels = data.index(b"IDAT")
    return data[: pixels + (len(data) - pixels) // 2]


def png_bomb() -> bytes:
    """A few kilobytes that decode to 60 million pixels (one bit each: quick to build)."""
    out = io.BytesIO()
    Image.new("1", (8000, 7500)).save(out, format="PNG")
    return out.getvalue()


def jpeg_claiming_to_be_huge() -> bytes:
    """A small JPEG whose frame header says 20,000 by 20,000 pixels: decoding would take 1.2 GB."""
    data = bytearray(phone_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 20_000, 20_000)
    return bytes(data)


def eicar_jpeg() -> bytes:
    """The EICAR test string in a JPEG's comment: a real photo that ClamAV must still refuse."""
    return phone_jpeg(comment=EICAR)
