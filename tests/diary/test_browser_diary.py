"""The diary's pages in a real browser: axe-core on each, and answering an invite by its link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from diary.models import MeetingAttendee, MeetingKind
from diary.responses import response_links
from diary.services import AttendeeSpec, schedule_meeting
from outbox.models import OutboxMessage
from outbox.services import send_due_messages
from tests.browser import assert_accessible, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(alice: User, gina: User) -> Any:
    start = timezone.now() + dt.timedelta(days=7)
    return schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – North",
        organiser=gina,
        start=start,
        end=start + dt.timedelta(hours=2),
        location="Room 2.14",
        link_path="/diary/",
        case_references="FS-2026-0001",
        attendees=[AttendeeSpec(user=alice), AttendeeSpec(email="partner@example.org", required=False)],
    )


def test_answering_an_invite_by_its_link_needs_no_sign_in_and_the_organiser_sees_it(
    browser_page: Any, live_server: Any, meeting: Any, alice: User, gina: User, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    page = browser_page
    attendee = meeting.attendees.get(user=alice)
    decline = response_links(meeting, attendee)["declined"]
    page.goto(decline.replace(settings.SITE_URL, live_server.url))
    assert_accessible(page)
    page.locator("main form button[type=submit]").first.click()
    assert_accessible(page)
    assert MeetingAttendee.objects.get(pk=attendee.pk).response == "declined"
    # The link did not sign anyone in.
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url

    log_in(page, live_server.url, gina)
    page.goto(live_server.url + f"/diary/meetings/{meeting.pk}/")
    assert "Declined" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(live_server.url + "/diary/")
    assert_accessible(page)


def test_the_outbox_pages_have_no_wcag_violations(
    browser_page: Any, live_server: Any, meeting: Any, ada: User, settings: Any
) -> None:
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "outbox.mail_backends.KeepBackend"
    send_due_messages()
    message = OutboxMessage.objects.order_by("pk").first()
    assert message is not None
    page = browser_page
    log_in(page, live_server.url, ada)
    for path in [
        "/manage/outbox/",
        f"/manage/outbox/{message.pk}/",
        "/manage/development-outbox/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    assert "BEGIN:VCALENDAR" in (page.locator("main").text_content() or "")
    assert_accessible(page)
