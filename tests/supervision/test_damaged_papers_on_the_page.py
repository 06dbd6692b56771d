"""A damaged upload on the papers page: a message on the form, never a server error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from supervision.models import Paper, SupervisionSession
from tests.core import uploads_corpus as corpus

pytestmark = pytest.mark.usefixtures("clamd")


def _docx_with_a_damaged_part() -> bytes:
    """A .docx whose directory is intact but whose document part's compressed bytes are not."""
    good = bytearray(corpus.minimal_docx(extra={"word/media/notes.xml": b"Chronology of events. " * 500}))
    start = good.index(b"word/media/notes.xml") + len("word/media/notes.xml")
    for i in range(start + 5, start + 40):
        good[i] ^= 0xFF
    return bytes(good)


@pytest.mark.parametrize(
    "data",
    [_docx_with_a_damaged_part(), b"PK\x03\x04" + b"\x00\xff" * 150],
    ids=["damaged-part", "broken-directory"],
)
def test_the_upload_page_refuses_a_damaged_zip_with_a_message_and_stores_nothing(
    upcoming_with_item: SupervisionSession, alice: User, client_for: Callable[[User], Client], data: bytes
) -> None:
    item = upcoming_with_item.items.get()
    response = client_for(alice).post(f"/gcs/items/{item.pk}/papers/", {"file": SimpleUploadedFile("plan.docx", data)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "is damaged" in body
    assert Paper.objects.count() == 0
