"""Helpers of the FGC whole-journey test (tests/fgc/test_whole_journey.py): its calendar, people and page steps."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from typing import Any

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from core.localtime import local_datetime
from tests import factories

# The network, with names no page furniture or email template could contain by chance.
GRAN = "Rosalind Quennell"
UNCLE = "Tobias Quennell"
FATHER = "Darren Quennell"

# The journey's calendar (a Monday in June 2031, away from bank holidays).
REFERRED = dt.date(2031, 6, 9)
ICPC = dt.date(2031, 7, 4)
FIRST_MEETING = dt.date(2031, 6, 12)
CONFERENCE = dt.date(2031, 6, 25)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_datetime(day, dt.time(hour, minute))


def signed_in(user: User) -> Client:
    """A person coming back to Kinfolk: a fresh browser, the sign-in page, the authenticator's code."""
    client = Client()
    response = factories.sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == reverse("core:home"), response
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def posted(client: Client, url: str, data: dict[str, Any] | None = None, *, to: str | None = None) -> str:
    """POST a form as the browser does; it must succeed (a redirect), and the page it leads to is returned."""
    response = client.post(url, data or {})
    assert response.status_code == 302, (url, response.content.decode()[:3000])
    if to is not None:
        assert response["Location"] == to, response["Location"]
    return page(client, response["Location"])


def squeeze(markup: str) -> str:
    """The page's text with tags gone and whitespace collapsed, for sentences that span elements."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def pdf_text(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
