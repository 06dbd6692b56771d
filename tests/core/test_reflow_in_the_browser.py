"""Every page at 1280 px and at 320 px: no sideways page scroll at 320 px (WCAG 1.4.10) and no axe violations.

Wide tables scroll inside their own labelled region (`.kf-table-scroll`), so the
page itself never does. The pages hold realistic data: long names and email
addresses, full tables, minutes and actions.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role, Team, User
from core.models import AuditAction
from families.models import Family
from outbox.models import KeptEmail
from supervision import services
from supervision.models import Action, AttendanceStatus, Discipline, SupervisionGroup, SupervisionSession
from tests import factories
from tests.browser import assert_accessible, log_in
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 800}
WIDE = {"width": 1280, "height": 900}


def page_scroll_width(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def check(page: Any, url: str) -> list[str]:
    """Visit `url` at both widths; return what is wrong (axe failures raise at once)."""
    problems = []
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        response = page.goto(url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        assert_accessible(page)
        if viewport is NARROW and (width := page_scroll_width(page)) > NARROW["width"]:
            problems.append(f"{url}: the page scrolls sideways at 320 px ({width} px wide)")
    return problems


@pytest.fixture
def world(north: Team, alice: User, gina: User, mo: User, ada: User) -> dict[str, Any]:
    """A group with a year's worth of sessions, minutes, actions and papers, long names included."""
    sam = factories.make_user(
        "samantha.extraordinarily-long-surname@partner-agency.example.org.uk",
        full_name="Samantha Extraordinarily-Long-Surname",
        roles=(Role.PRACTITIONER,),
    )
    group = gcs.make_group(
        team=north,
        coordinator=gina,
        minute_taker=gina,
        members={alice: Discipline.SOCIAL_WORKER, mo: Discipline.CHAIR, sam: Discipline.DOMESTIC_ABUSE},
        location="Committee Room 3, County Hall Annex, Long Street",
    )
    families = [factories.make_family(team=north, practitioner=alice) for _ in range(4)]
    past: SupervisionSession = held_session(group, families[0], alice, days_ago=0)
    gcs.add_item(past, families[1], alice)
    for item in past.items.all():
        services.save_entry(
            item=item, section="discussion", text="The school reports attendance falling " * 10, base_version=0, by=gina
        )
        services.add_action(
            item=item,
            description="Arrange a joint visit with the school nurse and the domestic abuse worker",
            owner=sam,
            due_on=timezone.localdate(),
            by=gina,
        )
    services.record_attendance(
        session=past,
        statuses={
            alice.pk: AttendanceStatus.PRESENT,
            mo.pk: AttendanceStatus.PRESENT,
            sam.pk: AttendanceStatus.APOLOGIES,
        },
        by=gina,
    )
    upcoming = gcs.make_session(group=group)
    item = gcs.add_item(upcoming, families[2], alice)
    with override_settings(KINFOLK_MALWARE_SCAN=False):
        services.upload_paper(
            item=item,
            upload=SimpleUploadedFile("Assessment-report-with-a-very-long-file-name-2026.pdf", _pdf()),
            by=alice,
        )
    for n in range(3):
        KeptEmail.objects.create(
            subject=f"Group Case Supervision agenda published for a very long group name {n}",
            from_email="kinfolk-notifications@council.example.gov.uk",
            to=["samantha.extraordinarily-long-surname@partner-agency.example.org.uk"],
            raw="Subject: x\n\nBody",
        )
    factories.make_care_leaver(team=north, adviser=alice)
    from core import audit

    for _ in range(3):
        audit.record(action=AuditAction.VIEW, obj=families[0], detail={"page": "a-long-page-name-for-the-audit-log"})
    return {"group": group, "past": past, "upcoming": upcoming, "item": item, "family": families[0], "sam": sam}


def _pdf() -> bytes:
    from tests.core.uploads_corpus import minimal_pdf

    return minimal_pdf()


def test_every_page_reflows_at_320_px_and_has_no_axe_violations_at_either_width(
    browser_page: Any, live_server: Any, world: dict[str, Any], alice: User, gina: User, ada: User, settings: Any
) -> None:
    settings.DEMO_MODE = True  # the development outbox is one of the pages
    page = browser_page
    base = live_server.url
    group: SupervisionGroup = world["group"]
    past: SupervisionSession = world["past"]
    upcoming: SupervisionSession = world["upcoming"]
    family: Family = world["family"]
    action = Action.objects.filter(item__session=past).first()
    assert action is not None
    problems: list[str] = []

    log_in(page, base, gina)
    page.goto(base + "/gcs/search/")
    page.get_by_label("Words").fill("school")
    page.get_by_role("button", name="Search").click()
    for path in [
        "/",
        "/diary/",
        "/diary/week/",
        "/diary/month/",
        f"/diary/meetings/{upcoming.meeting_id}/",
        "/gcs/",
        "/gcs/groups/new/",
        f"/gcs/groups/{group.pk}/",
        f"/gcs/groups/{group.pk}/edit/",
        f"/gcs/groups/{group.pk}/diarise/",
        f"/gcs/groups/{group.pk}/actions/",
        f"/gcs/sessions/{upcoming.pk}/",
        f"/gcs/sessions/{upcoming.pk}/edit/",
        f"/gcs/sessions/{upcoming.pk}/cancel/",
        f"/gcs/sessions/{upcoming.pk}/agenda/add/",
        f"/gcs/sessions/{upcoming.pk}/attendance/",
        f"/gcs/sessions/{past.pk}/",
        f"/gcs/sessions/{past.pk}/minutes/",
        f"/gcs/sessions/{past.pk}/attendance/",
        f"/gcs/sessions/{upcoming.pk}/agenda/print/",
        f"/gcs/items/{world['item'].pk}/papers/",
        f"/gcs/actions/{action.pk}/edit/",
        "/gcs/search/",
        "/gcs/figures/",
    ]:
        problems += check(page, base + path)
    page.get_by_role("button", name="Sign out").click()

    log_in(page, base, alice)
    for path in ["/", "/families/", f"/families/{family.pk}/", "/care-leavers/", "/accounts/2fa/"]:
        problems += check(page, base + path)
    page.get_by_role("button", name="Sign out").click()

    log_in(page, base, ada)
    for path in [
        "/manage/users/",
        "/manage/users/invite/",
        "/manage/audit/",
        "/manage/outbox/",
        "/manage/development-outbox/",
        "/accessibility/",
        "/privacy/",
    ]:
        problems += check(page, base + path)
    assert problems == []


def test_a_wide_table_scrolls_in_its_own_region_that_a_keyboard_can_reach(
    browser_page: Any, live_server: Any, world: dict[str, Any], gina: User
) -> None:
    page = browser_page
    log_in(page, live_server.url, gina)
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server.url}/diary/month/")
    region = page.get_by_role("region", name=f"Meetings in {timezone.localdate():%B %Y}")
    assert region.get_attribute("tabindex") == "0"
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1]  # the table is wider than the screen, and scrolls inside its region
    region.focus()
    assert page.evaluate("() => document.activeElement.className") == "kf-table-scroll"
    page.keyboard.press("ArrowRight")
    # Scrolling by keyboard may be animated: wait for it rather than read it at once.
    page.wait_for_function("() => document.querySelector('.kf-table-scroll').scrollLeft > 0")
    assert page_scroll_width(page) <= NARROW["width"]


def test_printing_hides_navigation_and_forms_and_shows_the_marking(
    browser_page: Any, live_server: Any, world: dict[str, Any], gina: User
) -> None:
    page = browser_page
    log_in(page, live_server.url, gina)
    page.goto(f"{live_server.url}/gcs/groups/{world['group'].pk}/actions/")
    assert not page.locator(".kf-print-marking").first.is_visible()
    page.emulate_media(media="print")
    assert page.locator(".kf-print-marking").first.is_visible()
    assert page.locator(".kf-print-marking").first.inner_text() == "OFFICIAL-SENSITIVE"
    assert not page.get_by_label("Primary navigation").is_visible()
    assert not page.locator("main form").first.is_visible()
    assert page.locator("main table").is_visible()
