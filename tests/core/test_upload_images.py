"""Photos (JPEG, PNG) through core.uploads: checked by structure, decoded in full, stored without their EXIF.

Photos are accepted only by a caller that names them (volunteers' receipts);
every other caller keeps the document kinds (tests/supervision/test_uploading_papers.py
tries a photo as a GCS paper).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile

from core.models import AuditEvent
from core.uploads import detect_kind, store_upload, stored_content_type, validate_upload
from core.uploads.refusals import JPEG, PDF, PNG
from tests.core import photo_corpus as photos
from tests.core import uploads_corpus as corpus

pytestmark = pytest.mark.django_db
scanned = pytest.mark.usefixtures("clamd")

RECEIPTS = (PDF, JPEG, PNG)
RED, WHITE = (255, 0, 0), (255, 255, 255)


def _refusal(name: str, data: bytes, *, allowed: tuple[str, ...] = RECEIPTS) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, data), for_obj=None, allowed=allowed)
    return refused.value


def _stored(name: str, data: bytes) -> tuple[Any, bytes]:
    upload = SimpleUploadedFile(name, data)
    validated = validate_upload(upload, for_obj=None, allowed=RECEIPTS)
    stored = store_upload(upload, validated, directory="volunteers/receipts/7")
    with default_storage.open(stored) as handle:
        return validated, handle.read()


def _near(pixel: Any, colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel[:3], colour, strict=True))


@scanned
def test_a_phone_photo_is_stored_upright_without_its_gps_location_or_device() -> None:
    original = photos.phone_jpeg(orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the sample has it to lose
    validated, stored = _stored("IMG_0412.JPG", original)
    assert (validated.kind, validated.content_type, validated.display_name) == ("jpg", "image/jpeg", "IMG_0412.jpg")
    assert validated.size == len(stored) and stored != original
    photo = Image.open(io.BytesIO(stored))
    assert photo.format == "JPEG"
    assert not photo.getexif() and "exif" not in photo.info
    assert photos.CAMERA_MAKE.encode() not in stored and b"Exif" not in stored
    # Stored 40 wide by 20 high with "turn 90° clockwise": upright it is 20 by 40, the red band on top.
    assert photo.size == (20, 40)
    assert _near(photo.getpixel((10, 2)), RED) and _near(photo.getpixel((10, 37)), WHITE)


@scanned
def test_a_photo_already_upright_keeps_its_shape() -> None:
    _, stored = _stored("upright.jpg", photos.phone_jpeg(orientation=1))
    photo = Image.open(io.BytesIO(stored))
    assert photo.size == (40, 20) and _near(photo.getpixel((2, 10)), RED) and not photo.getexif()


@scanned
def test_a_png_is_stored_with_its_pixels_and_transparency_and_without_its_exif_or_text() -> None:
    validated, stored = _stored("receipt.png", photos.phone_png())
    assert (validated.kind, validated.content_type) == ("png", "image/png")
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "PNG" and picture.mode == "RGBA" and picture.size == (40, 20)
    assert picture.getpixel((39, 19)) == (0, 0, 255, 128)
    assert not picture.getexif() and "Author" not in picture.info
    assert b"Smithson" not in stored and photos.CAMERA_MAKE.encode() not in stored


def test_the_stored_content_type_follows_the_generated_name() -> None:
    assert stored_content_type("volunteers/receipts/7/ab12.jpg") == "image/jpeg"
    assert stored_content_type("volunteers/receipts/7/ab12.png") == "image/png"
    assert stored_content_type("gcs/papers/3/ab12.pdf") == "application/pdf"
    assert stored_content_type("somewhere/odd.exe") == "application/octet-stream"


@scanned
@pytest.mark.parametrize(
    ("name", "make", "expect"),
    [
        ("receipt.jpg", corpus.minimal_pdf, "name says it is a JPEG image, but it is a PDF"),
        ("receipt.jpeg", corpus.plain_text, "name says it is a JPEG image, but it is not one"),
        ("receipt.png", corpus.minimal_docx, "name says it is a PNG image, but it is not one"),
        ("receipt.png", photos.phone_jpeg, "name says it is a PNG image, but it is a JPEG image"),
        ("receipt.pdf", photos.phone_jpeg, "name says it is a PDF, but it is a JPEG image"),
    ],
    ids=["pdf-named-jpg", "text-named-jpeg", "docx-named-png", "jpeg-named-png", "jpeg-named-pdf"],
)
def test_a_file_that_is_not_the_kind_its_name_claims_is_refused(name: str, make: Any, expect: str) -> None:
    refusal = _refusal(name, make())
    assert refusal.code == "misnamed"
    assert expect in refusal.messages[0] and refusal.messages[0].startswith("The selected file")


@scanned
@pytest.mark.parametrize("make", [photos.truncated_jpeg, photos.truncated_png], ids=["jpeg", "png"])
@pytest.mark.parametrize("pillow_lenient", [False, True], ids=["pillow-strict", "pillow-lenient"])
def test_a_truncated_photo_is_refused_even_where_pillow_would_read_it(
    make: Any, pillow_lenient: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeasyPrint sets this for the whole process when it is first imported (any worker that has rendered a PDF).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", pillow_lenient)
    name = "receipt.jpg" if make is photos.truncated_jpeg else "receipt.png"
    refusal = _refusal(name, make())
    assert refusal.code == "image_damaged"
    assert refusal.messages[0].startswith("The selected file is damaged or is not a complete")


@scanned
@pytest.mark.parametrize(
    ("name", "make"),
    [("bomb.png", photos.png_bomb), ("huge.jpg", photos.jpeg_claiming_to_be_huge)],
    ids=["png-decompression-bomb", "jpeg-header-says-400-megapixels"],
)
def test_an_image_bomb_is_refused_before_it_is_decoded(name: str, make: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make()
    assert len(data) < 100_000  # small on the wire, tens of megapixels when decoded

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the bomb reached Pillow's decoder")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    refusal = _refusal(name, data)
    assert refusal.code == "image_too_large"
    assert "more than 50 million pixels" in refusal.messages[0]


@scanned
def test_a_photo_carrying_the_eicar_string_is_refused_as_malware_before_it_is_re_encoded() -> None:
    refusal = _refusal("receipt.jpg", photos.eicar_jpeg())
    assert refusal.code == "malware"
    assert AuditEvent.objects.get().detail["reason"] == "malware"


@scanned
def test_a_caller_that_names_no_kinds_still_refuses_photos_without_decoding_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a photo was decoded for a caller that does not take photos")

    monkeypatch.setattr("core.uploads.clean_image", never)
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("photo.jpg", photos.phone_jpeg()), for_obj=None)
    assert refused.value.messages == ["The selected file must be one of: PDF, Word (.docx), OpenDocument text (.odt)."]


def test_the_content_checks_alone_know_a_photo_only_where_photos_are_allowed() -> None:
    assert detect_kind(io.BytesIO(photos.phone_jpeg()), allowed=RECEIPTS) == JPEG
    assert detect_kind(io.BytesIO(photos.phone_png()), allowed=RECEIPTS) == PNG
    with pytest.raises(ValidationError, match="must be one of"):
        detect_kind(io.BytesIO(photos.phone_png()))


def test_an_unknown_file_for_receipts_is_told_the_kinds_receipts_take() -> None:
    with pytest.raises(ValidationError) as refused:
        detect_kind(io.BytesIO(b"GIF89a..."), allowed=RECEIPTS)
    assert refused.value.messages == ["The selected file must be a PDF, JPEG (.jpg) or PNG file."]
