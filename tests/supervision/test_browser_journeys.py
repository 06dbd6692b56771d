"""The coordinator's and minute-taker's journeys in headless Chromium, and axe-core on every GCS page.

Screenshots land in docs/user-guide/images/ for the user guide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from families.models import Family
from supervision import services
from supervision.models import MinutesEntry, SupervisionGroup
from tests.browser import assert_accessible, log_in, screenshot
from tests.core.uploads_corpus import minimal_pdf
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session, minute_and_submit

pytestmark = pytest.mark.browser


def test_the_coordinator_diarises_a_year_builds_an_agenda_and_chases_attendance(
    browser_page: Any, live_server: Any, north_group: SupervisionGroup, north_family: Family, gina: User
) -> None:
    page = browser_page
    log_in(page, live_server.url, gina)
    page.goto(live_server.url + "/gcs/")
    assert_accessible(page)
    page.get_by_role("link", name=north_group.name).click()
    assert_accessible(page)
    screenshot(page, "gcs-group")
    page.get_by_role("link", name="Diarise sessions").click()
    page.get_by_label("Date of the first session").fill(gcs.working_day_from_today(7).isoformat())
    page.get_by_role("button", name="Preview the dates").click()
    assert_accessible(page)
    screenshot(page, "gcs-diarise")
    page.get_by_role("button", name="sessions and send invitations").click()
    assert "sessions diarised" in page.locator(".govuk-notification-banner--success").inner_text()
    assert north_group.sessions.count() >= 13

    page.locator("table a").first.click()
    page.get_by_role("link", name="Add a family").click()
    assert_accessible(page)
    screenshot(page, "gcs-agenda-add")
    page.get_by_role("button", name="Add all").click()
    assert north_family.case_reference in page.locator("main").inner_text()
    page.get_by_role("button", name="Publish the agenda").click()
    assert "Agenda published" in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page)
    screenshot(page, "gcs-session")

    page.get_by_role("link", name="Attendance").click()
    assert_accessible(page)
    page.get_by_role("button", name="Remind everyone who has not confirmed").click()
    assert "Reminder sent to" in page.locator(".govuk-notification-banner--success").inner_text()
    screenshot(page, "gcs-attendance")

    for link in ["Agenda and papers"]:
        page.get_by_role("link", name=link).click()
    page.get_by_role("link", name="Move or edit").click()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Cancel session").click()
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the session").click()  # no reason: an error, nothing changes
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


def test_the_minute_taker_types_minutes_that_save_themselves_and_resolves_a_conflict_by_keyboard(
    browser_page: Any,
    live_server: Any,
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    gina: User,
) -> None:
    session = held_session(north_group, north_family, alice)
    item = session.items.get()
    services.record_attendance(session=session, statuses={alice.pk: "present", mo.pk: "present"}, by=gina)
    page = browser_page
    log_in(page, live_server.url, gina)
    page.goto(live_server.url + f"/gcs/sessions/{session.pk}/minutes/")
    assert_accessible(page)

    box = page.get_by_label("Worries and risks")
    box.focus()
    page.keyboard.type("Missed school on nine days.")
    status = page.locator(f"#status-{item.pk}-worries")
    status.get_by_text("Saved at").wait_for()
    assert MinutesEntry.objects.get(item=item, section="worries").text == "Missed school on nine days."
    assert_accessible(page)
    screenshot(page, "gcs-minutes-autosave")

    # Mo saves the same section from another screen; Gina's next keystrokes meet a conflict.
    entry = MinutesEntry.objects.get(item=item, section="worries")
    services.save_entry(item=item, section="worries", text="Mo: and late twice.", base_version=entry.version, by=mo)
    box.focus()
    page.keyboard.type(" Also the dog.")
    status.get_by_text("Not saved: Mo Manager").wait_for()
    assert "Mo: and late twice." in status.inner_text()
    assert_accessible(page)
    screenshot(page, "gcs-minutes-conflict")
    status.get_by_role("button", name="Keep my text").focus()
    page.keyboard.press("Enter")
    page.locator(f"#status-{item.pk}-worries").get_by_text("Saved", exact=True).wait_for()
    assert MinutesEntry.objects.get(item=item, section="worries").text == "Missed school on nine days. Also the dog."

    page.get_by_text("Add an action").click()
    page.get_by_label("What").first.fill("Meet the school")
    page.get_by_label("Due date").first.fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Add action").click()
    # Added in place (htmx): no reload, the new row and a status message.
    page.locator(f"#action-added-{item.pk}").get_by_text("Action added").wait_for()
    assert "Meet the school" in page.locator(f"#actions-{item.pk}").inner_text()
    page.get_by_role("button", name="Submit the minutes to the chair").click()
    assert "submitted" in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page)


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
def test_every_gcs_page_has_no_wcag_violations(
    browser_page: Any,
    live_server: Any,
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    gina: User,
) -> None:
    upcoming = gcs.make_session(group=north_group)
    item = gcs.add_item(upcoming, north_family, alice)
    services.upload_paper(item=item, upload=SimpleUploadedFile("p.pdf", minimal_pdf()), by=alice)
    held = held_session(north_group, north_family, alice, days_ago=3)
    services.add_action(item=held.items.get(), description="Visit", owner=alice, due_on=timezone.localdate(), by=gina)
    minute_and_submit(held, by=gina, present=[alice, mo, gina])

    page = browser_page
    log_in(page, live_server.url, mo)
    for path in [
        f"/gcs/sessions/{held.pk}/minutes/",  # the chair's approval view
        f"/gcs/groups/{north_group.pk}/edit/",
        f"/gcs/groups/{north_group.pk}/actions/",
        f"/gcs/groups/{north_group.pk}/actions/?status=overdue",
        f"/gcs/sessions/{upcoming.pk}/",
        f"/gcs/sessions/{upcoming.pk}/edit/",
        f"/gcs/sessions/{upcoming.pk}/attendance/",
        f"/gcs/items/{item.pk}/papers/",
        "/gcs/groups/new/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(live_server.url + f"/gcs/sessions/{held.pk}/minutes/")
    screenshot(page, "gcs-minutes-approve")
    page.get_by_role("button", name="Approve and circulate").click()
    assert_accessible(page)
    page.goto(live_server.url + f"/gcs/items/{item.pk}/papers/")
    page.get_by_role("button", name="Upload", exact=True).click()  # nothing chosen: the error summary
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
