"""The coordinator confirms the child's preparation sessions in headless Chromium, with axe on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from fgc.models import PreparationSession, Referral
from fgc.services import preparation as services
from tests.browser import assert_accessible, log_in, screenshot
from tests.fgc.booking_helpers import book, slot
from tests.fgc.conftest import FakeScheme
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.browser


def test_the_coordinator_confirms_the_proposed_sessions_changing_one_time(
    browser_page: Any, live_server: Any, fern: User, allocated_referral: Referral, volunteer_scheme: FakeScheme
) -> None:
    child = allocated_referral.children.order_by("date_of_birth")[0]
    services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    volunteer_scheme.accept(slots=[(day, 2) for day in range(7)])
    book(allocated_referral, make_venue(), **slot(days=21))
    page = browser_page
    log_in(page, live_server.url, fern)
    page.goto(f"{live_server.url}/fgc/referrals/{allocated_referral.pk}/preparation/")
    assert "Proposed, not yet confirmed:" in page.locator(f"#child-{child.pk}").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=f"Review and confirm the sessions with {child.first_name}").click()
    assert_accessible(page)
    screenshot(page, "fgc-preparation-sessions")
    # Leave the first one out, and a time the ambassador is not free: a clear error, nothing saved.
    page.get_by_label("Session 1: date").fill("")
    page.get_by_label("Session 2: start time").fill("09:00")
    page.get_by_role("button", name="Confirm the sessions").click()
    assert "Sam is not free on" in page.locator(".govuk-error-summary").inner_text()
    assert not PreparationSession.objects.exists()
    assert_accessible(page)
    page.get_by_label("Session 2: start time").fill("19:30")
    page.get_by_role("button", name="Confirm the sessions").click()
    assert "2 sessions confirmed" in page.locator("main").inner_text()
    assert_accessible(page)
    sessions = list(PreparationSession.objects.order_by("start"))
    assert len(sessions) == 2 and timezone.localtime(sessions[0].start).strftime("%H:%M") == "19:30"
    assert all(s.meeting is not None for s in sessions)
