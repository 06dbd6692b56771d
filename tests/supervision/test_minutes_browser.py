"""Nothing typed in the minutes is lost, in headless Chromium: leaving at once, failed saves, others' saves."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from families.models import Family
from supervision import services
from supervision.models import MinutesEntry, SupervisionGroup
from tests.browser import assert_accessible, log_in
from tests.supervision.helpers import held_session

pytestmark = pytest.mark.browser


@pytest.fixture
def minutes_page(
    browser_page: Any, live_server: Any, north_group: SupervisionGroup, north_family: Family, alice: User, gina: User
) -> Any:
    session = held_session(north_group, north_family, alice)
    page = browser_page
    log_in(page, live_server.url, gina)
    page.goto(live_server.url + f"/gcs/sessions/{session.pk}/minutes/")
    page.kinfolk_item = session.items.get()
    return page


def test_typing_and_following_a_link_at_once_saves_what_was_typed_first(minutes_page: Any) -> None:
    page, item = minutes_page, minutes_page.kinfolk_item
    page.get_by_label("Decisions").fill("Step down to child in need.")
    # No pause for the autosave's second: straight to another page.
    page.get_by_role("link", name="Agenda").first.click()
    page.wait_for_url("**/sessions/*/")
    assert MinutesEntry.objects.get(item=item, section="decisions").text == "Step down to child in need."


def test_typing_and_posting_a_form_at_once_saves_what_was_typed_first(minutes_page: Any) -> None:
    page, item = minutes_page, minutes_page.kinfolk_item
    page.get_by_label("Strengths").fill("Grandmother is a steady presence.")
    page.get_by_role("button", name="Submit the minutes to the chair").click()
    # The post went ahead after the save (and was refused for its own reason: no attendance yet).
    page.get_by_text("Record who attended before submitting the minutes.").wait_for()
    assert MinutesEntry.objects.get(item=item, section="strengths").text == "Grandmother is a steady presence."


def test_the_page_says_it_saves_as_you_type_and_offers_no_save_buttons_when_scripts_run(minutes_page: Any) -> None:
    page = minutes_page
    assert "save as you type" in page.locator("#autosave-note").inner_text()
    assert page.get_by_role("button", name="Save the minutes for").count() == 0
    assert_accessible(page)


def test_leaving_while_a_save_has_failed_asks_first(minutes_page: Any) -> None:
    page, item = minutes_page, minutes_page.kinfolk_item
    page.route(f"**/gcs/items/{item.pk}/minutes/worries/", lambda route: route.abort())
    page.get_by_label("Worries and risks").press_sequentially("Unsaved worry")
    page.locator(f"#status-{item.pk}-worries").get_by_text("could not be reached").wait_for()
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="Agenda").first.click()
    page.wait_for_timeout(1500)
    assert dialogs == ["beforeunload"]
    assert "/minutes/" in page.url
    assert page.get_by_label("Worries and risks").input_value() == "Unsaved worry"


def test_someone_elses_saved_text_appears_without_typing(minutes_page: Any, mo: User) -> None:
    page, item = minutes_page, minutes_page.kinfolk_item
    services.save_entry(item=item, section="hypotheses", text="Mo: the move unsettled them.", base_version=0, by=mo)
    box = page.get_by_label("Hypotheses")
    page.locator(f"#status-{item.pk}-hypotheses").get_by_text("Updated by Mo Manager").wait_for(timeout=15_000)
    assert box.input_value() == "Mo: the move unsettled them."
    # Typing on from their text saves on top of it, with no conflict.
    box.press("End")
    box.press_sequentially(" Agreed.")
    page.locator(f"#status-{item.pk}-hypotheses").get_by_text("Saved at").wait_for()
    assert MinutesEntry.objects.get(item=item, section="hypotheses").text == "Mo: the move unsettled them. Agreed."


def test_the_new_gcs_pages_have_no_wcag_violations(
    browser_page: Any,
    live_server: Any,
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    gina: User,
    mo: User,
    bob: User,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from tests import factories
    from tests.browser import screenshot
    from tests.supervision import factories as gcs

    upcoming = gcs.make_session(group=north_group)
    item = gcs.add_item(upcoming, north_family, alice)
    services.invite_guest(
        session=upcoming, name="Nina Nurse", email="nina@school.example", role="School nurse", by=gina
    )
    factories.make_family(team=north_group.team, practitioner=bob)  # due, but its worker is not in the group
    earlier = held_session(north_group, north_family, alice, days_ago=28)
    carried = services.add_action(
        item=earlier.items.get(), description="Visit school", owner=alice, due_on=timezone.localdate(), by=gina
    )
    services.add_action(
        item=earlier.items.get(), description="Ask CAMHS", owner=bob, due_on=timezone.localdate(), by=gina
    )
    today = held_session(north_group, north_family, alice)
    later = timezone.localdate() + dt.timedelta(days=14)
    services.review_action(action=carried, item=today.items.get(), done=False, due_on=later, owner=alice, by=gina)

    page = browser_page
    log_in(page, live_server.url, gina)
    page.goto(live_server.url + f"/gcs/sessions/{upcoming.pk}/agenda/add/")
    page.get_by_role("button", name="Add all").click()
    page.get_by_text("by hand").first.wait_for()
    assert_accessible(page)
    for path in [
        f"/gcs/items/{item.pk}/edit/",
        f"/gcs/sessions/{upcoming.pk}/attendance/",
        f"/gcs/sessions/{upcoming.pk}/guests/invite/",
        "/gcs/actions/mine/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(live_server.url + f"/gcs/sessions/{today.pk}/minutes/")
    page.get_by_text("Review this action").first.click()
    assert_accessible(page)
    screenshot(page, "gcs-minutes-review")

    # A conflict now offers a merge as well as either text.
    today_item = today.items.get()
    services.save_entry(item=today_item, section="worries", text="Mo: late twice.", base_version=0, by=mo)
    page.get_by_label("Worries and risks").press_sequentially("Missed school.")
    merge = page.get_by_label("Or merge the two texts")
    merge.wait_for()
    assert merge.input_value() == "Mo: late twice.\n\nMissed school."
    assert_accessible(page)
    screenshot(page, "gcs-minutes-merge")
    merge.fill("Missed school; late twice.")
    page.get_by_role("button", name="Save the merged text").click()
    page.locator(f"#status-{today_item.pk}-worries").get_by_text("Saved", exact=True).wait_for()
    assert MinutesEntry.objects.get(item=today_item, section="worries").text == "Missed school; late twice."
