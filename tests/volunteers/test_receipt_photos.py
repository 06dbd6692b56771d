"""A receipt photographed on a phone: claimed in the portal, stored without its location, served as what it is."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from tests import factories
from tests.core import photo_corpus as photos
from tests.core import uploads_corpus as corpus
from tests.volunteers.lifecycle_helpers import volunteer_for
from volunteers.models import Expense

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd")]


def _claim(client: Client, name: str, data: bytes) -> object:
    return client.post(
        reverse("volunteers:expense_claim"),
        {
            "kind": "receipt",
            "r-incurred_on": timezone.localdate().isoformat(),
            "r-amount": "4.20",
            "r-description": "Parking",
            "r-receipt": SimpleUploadedFile(name, data, "image/jpeg"),
        },
    )


def test_a_volunteer_claims_with_a_phone_photo_and_the_coordinator_downloads_it_without_its_exif(
    val: User, vic: User
) -> None:
    volunteer_for(val)
    response = _claim(factories.login(Client(), val), "IMG_2231.JPG", photos.phone_jpeg())
    assert response.status_code == 302  # type: ignore[attr-defined]
    claim = Expense.objects.get()
    assert claim.receipt.endswith(".jpg") and claim.receipt_display_name == "IMG_2231.jpg"
    with default_storage.open(claim.receipt) as stored:
        assert not Image.open(io.BytesIO(stored.read())).getexif()
    download = factories.login(Client(), vic).get(reverse("volunteers:expense_receipt", kwargs={"pk": claim.pk}))
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == 'attachment; filename="IMG_2231.jpg"'
    served = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert photos.CAMERA_MAKE.encode() not in served and Image.open(io.BytesIO(served)).size == (20, 40)


def test_a_png_receipt_is_served_as_a_png_to_the_volunteer_who_claimed_it(val: User) -> None:
    volunteer_for(val)
    client = factories.login(Client(), val)
    _claim(client, "screenshot.png", photos.phone_png())
    claim = Expense.objects.get()
    download = client.get(reverse("volunteers:expense_receipt", kwargs={"pk": claim.pk}))
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="screenshot.png"'


def test_a_pdf_named_as_a_photo_is_refused_on_the_form_and_nothing_is_claimed(val: User) -> None:
    volunteer_for(val)
    response = _claim(factories.login(Client(), val), "receipt.jpg", corpus.minimal_pdf())
    assert response.status_code == 200  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "The selected file’s name says it is a JPEG image, but it is a PDF." in page
    assert "govuk-error-summary" in page
    assert not Expense.objects.exists()


def test_the_receipt_field_tells_a_phone_to_offer_photos() -> None:
    from volunteers.forms.lifecycle import ReceiptForm

    accept = ReceiptForm().fields["receipt"].widget.attrs["accept"]
    assert {"image/jpeg", "image/png", "application/pdf"} <= set(accept.split(","))
