"""Reviewing earlier actions in the meeting, and the minutes PDF: roles, distribution, handling note, no lone rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from diary.models import Reminder
from families.models import Family
from supervision import services
from supervision.models import Action, ActionStatus, SupervisionGroup, SupervisionSession
from supervision.services.snapshot import build_snapshot
from tests.supervision.helpers import held_session, minute_and_submit, pdf_pages


@pytest.fixture
def earlier(north_group: SupervisionGroup, north_family: Family, alice: User) -> SupervisionSession:
    return held_session(north_group, north_family, alice, days_ago=28)


@pytest.fixture
def carried(earlier: SupervisionSession, alice: User, gina: User) -> list[Action]:
    item = earlier.items.get()
    due = timezone.localdate() + dt.timedelta(days=3)
    return [
        services.add_action(item=item, description=what, owner=alice, due_on=due, by=gina)
        for what in ("Visit school", "Ring grandmother", "Chase CAMHS")
    ]


@pytest.fixture
def today(
    north_group: SupervisionGroup, north_family: Family, alice: User, carried: list[Action]
) -> SupervisionSession:
    return held_session(north_group, north_family, alice)


def test_a_carried_action_can_be_marked_done_redated_or_reassigned_in_the_meeting(
    today: SupervisionSession, carried: list[Action], gina: User, alice: User, bob: User
) -> None:
    item = today.items.get()
    visit, ring, chase = carried
    later = timezone.localdate() + dt.timedelta(days=30)
    services.review_action(action=visit, item=item, done=True, due_on=visit.due_on, owner=alice, by=gina)
    services.review_action(action=ring, item=item, done=False, due_on=later, owner=alice, by=gina)
    review = services.review_action(action=chase, item=item, done=False, due_on=chase.due_on, owner=bob, by=gina)
    for action in carried:
        action.refresh_from_db()
    assert visit.status == ActionStatus.DONE
    assert ring.due_on == later
    assert chase.owner == bob
    assert review.outcome == "Reassigned from Alice Practitioner to Bob Practitioner"
    # The reminders follow the new owner; the done action's are withdrawn.
    assert set(
        Reminder.objects.filter(key__startswith=f"gcs:action:{chase.pk}:", status="pending").values_list(
            "recipient_email", flat=True
        )
    ) == {bob.email}
    assert not Reminder.objects.filter(key__startswith=f"gcs:action:{visit.pk}:", status="pending").exists()


def test_reviewing_again_in_the_same_discussion_replaces_the_review_and_keeps_what_was_before(
    today: SupervisionSession, carried: list[Action], gina: User, alice: User
) -> None:
    item, visit = today.items.get(), carried[0]
    before = visit.due_on
    services.review_action(action=visit, item=item, done=True, due_on=before, owner=alice, by=gina)
    later = before + dt.timedelta(days=14)
    review = services.review_action(action=visit, item=item, done=False, due_on=later, owner=alice, by=gina)
    visit.refresh_from_db()
    assert visit.status == ActionStatus.OPEN
    assert (review.due_before, review.due_after, visit.reviews.count()) == (before, later, 1)


def test_only_an_action_carried_over_to_this_discussion_can_be_reviewed_in_it(
    today: SupervisionSession, gina: User, alice: User
) -> None:
    item = today.items.get()
    own = services.add_action(item=item, description="New", owner=alice, due_on=timezone.localdate(), by=gina)
    with pytest.raises(ValidationError, match="not carried over"):
        services.review_action(action=own, item=item, done=True, due_on=own.due_on, owner=alice, by=gina)


def test_the_review_is_on_the_minutes_page_and_made_there(
    client_for: Any, today: SupervisionSession, carried: list[Action], gina: User, alice: User
) -> None:
    item, visit = today.items.get(), carried[0]
    client = client_for(gina)
    page = client.get(f"/gcs/sessions/{today.pk}/minutes/").content.decode()
    assert "Review of earlier actions (3)" in page
    assert f"/gcs/items/{item.pk}/reviews/{visit.pk}/" in page
    client.post(
        f"/gcs/items/{item.pk}/reviews/{visit.pk}/",
        {"done": "on", "owner": alice.pk, "due_on": visit.due_on.isoformat()},
    )
    visit.refresh_from_db()
    assert visit.status == ActionStatus.DONE
    page = client.get(f"/gcs/sessions/{today.pk}/minutes/").content.decode()
    # Done, but still listed: the minutes record what this discussion decided.
    assert "Reviewed in this discussion: Marked done." in page


def test_the_minutes_pdf_has_roles_a_handling_note_the_review_and_a_distribution_list(
    today: SupervisionSession, carried: list[Action], gina: User, alice: User, mo: User, sam: User
) -> None:
    item = today.items.get()
    later = timezone.localdate() + dt.timedelta(days=30)
    services.review_action(action=carried[0], item=item, done=True, due_on=carried[0].due_on, owner=alice, by=gina)
    services.review_action(action=carried[1], item=item, done=False, due_on=later, owner=alice, by=gina)
    minute_and_submit(today, by=gina, present=[alice, mo, gina], apologies=[sam])
    version = services.approve_minutes(session=today, by=mo)
    version = services.render_minutes_pdf(version=version)
    text = " ".join(" ".join(pdf_pages(version.pdf.name)).split())
    assert "Handling: OFFICIAL-SENSITIVE." in text
    assert "Gina Coordinator Coordinator, minute-taker" in text  # not a member: her role, not "–"
    assert "Alice Practitioner Social worker" in text
    assert "–" not in text.split("Attendance")[1].split("1. ")[0]
    assert "Review of earlier actions" in text
    assert "Visit school Marked done" in text
    assert f"Ring grandmother Re-dated from {carried[1].due_on:%-d %b %Y} to {later:%-d %b %Y}" in text
    distribution = text.split("Distribution")[-1]
    for person in ("Alice Practitioner", "Mo Manager", "Gina Coordinator", "Sam Specialist"):
        assert person in distribution


def test_the_last_page_of_the_minutes_never_carries_one_row_alone(
    north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, mo: User
) -> None:
    """Before, a table could end with its last row alone on a new page (20 short actions did, in a test render)."""
    session = held_session(north_group, north_family, alice)
    item = session.items.get()
    for n in range(20):
        services.add_action(
            item=item,
            description=f"Action number {n} to do something useful",
            owner=alice,
            due_on=timezone.localdate(),
            by=gina,
        )
    minute_and_submit(session, by=gina, present=[alice, mo, gina])
    version = services.render_minutes_pdf(version=services.approve_minutes(session=session, by=mo))
    pages = pdf_pages(version.pdf.name)
    rows_per_page = [page.count("Action number") for page in pages]
    assert sum(rows_per_page) == 20
    assert 1 not in rows_per_page[1:], rows_per_page


def test_an_older_snapshot_without_roles_or_reviews_still_renders(
    north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, mo: User
) -> None:
    session = held_session(north_group, north_family, alice)
    minute_and_submit(session, by=gina, present=[alice, mo, gina])
    version = services.approve_minutes(session=session, by=mo)
    snapshot = build_snapshot(session)
    for key in ("distribution", "handling_note"):
        snapshot.pop(key)
    for entry in snapshot["items"]:
        entry.pop("reviews")
    version.snapshot = snapshot
    version.save(update_fields=["snapshot"])
    version = services.render_minutes_pdf(version=version)
    assert len(PdfReader(io.BytesIO(version.pdf.read())).pages) >= 1
