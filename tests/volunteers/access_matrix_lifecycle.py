"""Every URL of the match lifecycle, the portal, expenses and events, as every persona (see tests/access.py).

The world: an active match for the north family (alice's) with a raised concern; val is a
volunteer with a receipted claim and a place at an event, but not on that match (a volunteer
with a live match must have a second factor, which would change what val gets from the
account pages of other matrices; val on their own match is in tests/volunteers/test_portal.py).
vic runs the scheme.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from tests.access import LOGIN, PERSONAS, Entry, Expect
from tests.core.uploads_corpus import minimal_pdf
from tests.volunteers.lifecycle_helpers import approve, match_at, volunteer_for
from volunteers.models import ContactKind, MatchState, VolunteerRole
from volunteers.services import contacts, expenses


def setup(world: SimpleNamespace) -> None:
    me = volunteer_for(world.val)
    match = match_at(MatchState.ACTIVE, coordinator=world.vic, family=world.north_family)
    contact = contacts.log_contact(
        match=match, by=world.vic, occurred_on=timezone.localdate(), kind=ContactKind.PHONE, concern="Worried"
    )
    with override_settings(KINFOLK_MALWARE_SCAN=False):
        claim = expenses.claim_receipt(
            volunteer=me,
            incurred_on=timezone.localdate(),
            amount=Decimal("3.20"),
            description="Bus",
            upload=SimpleUploadedFile("bus.pdf", minimal_pdf(), "application/pdf"),
            by=world.val,
        )
    from tests.volunteers.test_expenses_and_events import _event
    from volunteers.services import events

    event = _event(world.vic, title="Access matrix event")
    approve(me, VolunteerRole.RIGHTS_AND_REPS)
    events.sign_up(event=event, volunteer=me)
    world.lc_match, world.lc_contact, world.lc_claim, world.lc_event = match, contact, claim, event


def only(default: Expect, **overrides: Expect) -> dict[str, Expect]:
    return {p: (LOGIN if p == "anonymous" else overrides.get(p, default)) for p in PERSONAS}


def _match(w: Any) -> dict[str, int]:
    return {"pk": w.lc_match.pk}


def _event(w: Any) -> dict[str, int]:
    return {"pk": w.lc_event.pk}


SEES_MATCH = {"vic": 200, "alice": 200, "mo": 200}
COORDINATOR_POST = only(404, vic=302, alice=403, mo=403)

ENTRIES = [
    Entry("volunteers:match_list", expect=only(200, val=302)),
    Entry("volunteers:match_detail", kwargs=_match, expect=only(404, **SEES_MATCH)),
    Entry("volunteers:match_offer", kwargs=_match, method="POST", expect=COORDINATOR_POST),
    Entry("volunteers:match_withdraw", kwargs=_match, method="POST", expect=COORDINATOR_POST),
    Entry("volunteers:match_confirm", kwargs=_match, method="POST", expect=only(404, vic=403, alice=302, mo=302)),
    Entry("volunteers:match_introduce", kwargs=_match, method="POST", expect=COORDINATOR_POST),
    Entry("volunteers:match_start", kwargs=_match, method="POST", expect=COORDINATOR_POST),
    Entry("volunteers:match_review", kwargs=_match, method="POST", expect=COORDINATOR_POST),
    Entry("volunteers:match_end", kwargs=_match, expect=only(404, vic=200, alice=200, mo=200)),
    Entry(
        "volunteers:match_check_in",
        kwargs=_match,
        method="POST",
        data={"going_well": "4", "easy_to_meet": "4", "helping": "4", "side": "family"},
        expect=only(404, vic=302, alice=302, mo=302),
    ),
    Entry("volunteers:contact_add", kwargs=_match, expect=only(404)),
    Entry(
        "volunteers:concern_acknowledge",
        kwargs=lambda w: {"pk": w.lc_contact.pk},
        method="POST",
        expect=only(404, vic=302, alice=302, mo=302),
    ),
    Entry("volunteers:figures_lifecycle", expect=only(404, vic=200)),
    Entry("volunteers:portal", expect=only(404, val=200)),
    Entry("volunteers:portal_profile", expect=only(404, val=200)),
    Entry("volunteers:portal_absence_add", method="POST", expect=only(404, val=302)),
    Entry("volunteers:offer_accept", kwargs=_match, method="POST", expect=only(404)),
    Entry("volunteers:offer_decline", kwargs=_match, expect=only(404)),
    Entry("volunteers:expense_claim", expect=only(404, val=200)),
    # val posts no contacts here (the form says so and sends them back); another volunteer's contact
    # is a 404 (tests/volunteers/test_contact_mileage.py).
    Entry("volunteers:expense_claim_contacts", method="POST", expect=only(404, val=302)),
    Entry("volunteers:expense_queue", expect=only(404, vic=200)),
    Entry(
        "volunteers:expense_decide",
        kwargs=lambda w: {"pk": w.lc_claim.pk},
        method="POST",
        data={"approve": "yes"},
        expect=only(404, vic=302),
    ),
    Entry("volunteers:expense_receipt", kwargs=lambda w: {"pk": w.lc_claim.pk}, expect=only(404, vic=200, val=200)),
    Entry("volunteers:expense_export", method="POST", expect=only(404, vic=200)),
    Entry("volunteers:event_list", expect=only(404, vic=200, val=200)),
    Entry("volunteers:event_create", expect=only(404, vic=200)),
    Entry("volunteers:event_detail", kwargs=_event, expect=only(404, vic=200, val=200)),
    Entry("volunteers:event_sign_up", kwargs=_event, method="POST", expect=only(404, val=302)),
    Entry("volunteers:event_cancel", kwargs=_event, method="POST", expect=only(404, val=302)),
]
