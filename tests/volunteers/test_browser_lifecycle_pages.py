"""axe-core on every page of the lifecycle, expenses, events and figures, as the coordinator,
the practitioner and the volunteer; screenshots for the user guide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from families.models import Family
from tests import factories
from tests.browser import assert_accessible, log_in, screenshot
from tests.volunteers.lifecycle_helpers import approve, match_at, volunteer_for
from tests.volunteers.test_expenses_and_events import _event
from volunteers.models import ContactKind, ContactOutcome, MatchState, VolunteerRole
from volunteers.services import contacts, expenses

pytestmark = pytest.mark.browser


def test_every_lifecycle_page_has_no_axe_violations(
    browser_page: Any, live_server: Any, val: User, vic: User, alice: User, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    me = volunteer_for(val)
    approve(me, VolunteerRole.RIGHTS_AND_REPS)
    family = factories.make_family(team=north_family.team, practitioner=alice)
    active = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, volunteer=me, started_days_ago=70)
    for days_ago, outcome in (
        (60, ContactOutcome.MADE),
        (30, ContactOutcome.CANCELLED),
        (25, ContactOutcome.ATTEMPTED),
    ):
        contacts.log_contact(
            match=active,
            by=val,
            occurred_on=timezone.localdate() - dt.timedelta(days=days_ago),
            kind=ContactKind.FACE_TO_FACE,
            outcome=outcome,
            concern="Worried about the children" if days_ago == 25 else "",
        )
    offered = match_at(MatchState.OFFERED, coordinator=vic, family=family, volunteer=me)
    confirmed = match_at(
        MatchState.CONFIRMED,
        coordinator=vic,
        family=factories.make_family(team=north_family.team, practitioner=alice),
    )
    expenses.claim_mileage(
        volunteer=me, incurred_on=timezone.localdate(), miles=Decimal(12), description="Visit", by=val
    )
    event = _event(vic, title="Children in care council")

    page = browser_page
    log_in(page, live_server.url, vic)
    for path, shot in (
        ("/", "volunteers-coordinator-home"),
        (reverse("volunteers:match_list"), "volunteers-matches"),
        (reverse("volunteers:match_detail", kwargs={"pk": active.pk}), "volunteers-match-active"),
        (reverse("volunteers:match_detail", kwargs={"pk": confirmed.pk}), "volunteers-match-confirmed"),
        (reverse("volunteers:match_detail", kwargs={"pk": offered.pk}), ""),
        (reverse("volunteers:match_end", kwargs={"pk": active.pk}), "volunteers-match-end"),
        (reverse("volunteers:expense_queue"), "volunteers-expenses"),
        (reverse("volunteers:event_list"), ""),
        (reverse("volunteers:event_create"), "volunteers-event-create"),
        (reverse("volunteers:event_detail", kwargs={"pk": event.pk}), ""),
        (reverse("volunteers:figures_lifecycle"), "volunteers-figures"),
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)
        if shot:
            screenshot(page, shot)
    page.goto(live_server.url + "/")
    assert "Matches at risk" in page.locator("main").inner_text()
    page.goto(live_server.url + reverse("volunteers:match_end", kwargs={"pk": active.pk}))
    page.get_by_role("button", name="End the match").click()
    assert_accessible(page)  # the error summary

    page.context.clear_cookies()
    log_in(page, live_server.url, alice)
    page.goto(live_server.url + reverse("volunteers:match_detail", kwargs={"pk": active.pk}))
    assert_accessible(page)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(page, live_server.url, val)
    for path in (
        reverse("volunteers:portal"),
        reverse("volunteers:portal_profile"),
        reverse("volunteers:offer_decline", kwargs={"pk": offered.pk}),
        reverse("volunteers:match_detail", kwargs={"pk": active.pk}),
        reverse("volunteers:expense_claim"),
        reverse("volunteers:event_detail", kwargs={"pk": event.pk}),
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.get_by_role("button", name="Sign up").click()
    assert "You have a place" in page.locator("main").inner_text()
    assert_accessible(page)
