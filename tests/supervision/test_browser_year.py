"""The coordinator's whole year in headless Chromium: nothing sent twice, nothing that cannot be undone.

Diarise a year, try to diarise over it (the clashes are shown and nothing is
sent), move a month of sessions at once, and remove a member and restore them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import GroupMember, SupervisionGroup
from supervision.tasks import run_pending_membership_changes
from tests.browser import assert_accessible, log_in, screenshot
from tests.supervision import factories as gcs

pytestmark = pytest.mark.browser


def _banner(page: Any, kind: str) -> str:
    return page.locator(f".govuk-notification-banner--{kind}").inner_text() if kind else ""


def test_the_coordinator_runs_a_year_without_making_a_mess_they_cannot_undo(
    browser_page: Any, live_server: Any, north_group: SupervisionGroup, gina: User, alice: User
) -> None:
    page = browser_page
    people = 4  # gina (coordinator and minute-taker), alice, mo and sam
    log_in(page, live_server.url, gina)
    page.goto(f"{live_server.url}/gcs/groups/{north_group.pk}/")

    # 1. Diarise a year: one recurring invitation per person.
    page.get_by_role("link", name="Diarise sessions").click()
    first_day = gcs.working_day_from_today(7)
    page.get_by_label("Date of the first session").fill(first_day.isoformat())
    page.get_by_role("button", name="Preview the dates").click()
    page.get_by_role("button", name="sessions and send invitations").click()
    assert "sessions diarised" in _banner(page, "success")
    sessions = north_group.sessions.count()
    assert sessions in {13, 14}
    assert OutboxMessage.objects.count() == people

    # 2. The group moves to Wednesdays; diarising the year again shows every date as a clash and sends nothing.
    services.update_group(group=north_group, by=gina, weekday=(north_group.weekday + 1) % 5)
    page.get_by_role("link", name="Diarise sessions").click()
    page.get_by_label("Date of the first session").fill(first_day.isoformat())
    page.get_by_role("button", name="Preview the dates").click()
    assert page.locator(".govuk-tag", has_text="Clash").count() >= sessions - 1
    assert_accessible(page)
    screenshot(page, "gcs-diarise-clashes")
    page.get_by_role("button", name="and send invitations").click()
    assert "Nothing to do" in page.locator(".govuk-notification-banner").first.inner_text()
    assert page.locator(".govuk-notification-banner--success").count() == 0
    assert north_group.sessions.count() == sessions
    assert OutboxMessage.objects.count() == people

    # 3. Move a month of sessions a day later: one confirmation, one email per person.
    later = timezone.localtime(north_group.sessions.order_by("start")[3].start).date()
    month_start, month_end = later.replace(day=1), (later.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    page.get_by_role("link", name="Move or cancel sessions").click()
    page.get_by_label("Move the sessions").check()
    page.get_by_label("From", exact=True).fill(month_start.isoformat())
    page.get_by_label("To (optional)").fill((month_end - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Move by how many days (optional)").fill("1")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    in_month = [
        s.pk for s in north_group.sessions.all() if month_start <= timezone.localtime(s.start).date() < month_end
    ]
    label = f"{len(in_month)} session{'s' if len(in_month) != 1 else ''}"
    page.get_by_role("button", name=f"Move {label}").click()
    assert f"{label} moved" in _banner(page, "success")
    assert OutboxMessage.objects.count() == 2 * people
    moved = north_group.sessions.order_by("start")[3]
    assert timezone.localtime(moved.start).date() == later + dt.timedelta(days=1)

    # 4. Remove Alice: the page says what will happen, answers at once, and can be undone.
    page.get_by_role("link", name="Remove Alice Practitioner").click()
    assert f"cancel their invitations to {sessions} future sessions" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "gcs-member-remove")
    page.set_viewport_size({"width": 320, "height": 800})  # and on a phone-sized screen
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Remove Alice Practitioner").click()
    assert "Alice Practitioner removed" in _banner(page, "success")
    assert not GroupMember.objects.filter(group=north_group, user=alice).exists()
    run_pending_membership_changes()  # the worker
    page.locator("#calendar-work li").first.get_by_text("Calendars updated").wait_for()  # the panel polls until done
    assert OutboxMessage.objects.filter(to__icontains=alice.email, calendar_method="CANCEL").count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Undo: restore Alice Practitioner").click()
    assert "is a member again" in _banner(page, "success")
    run_pending_membership_changes()
    assert GroupMember.objects.filter(group=north_group, user=alice).exists()
    assert OutboxMessage.objects.filter(to__icontains=alice.email, calendar_method="REQUEST").count() == 3
