"""Every FGC URL as every persona (see tests/access.py).

The world: alice referred the north family; fern coordinates it. mo manages North
(he sees the referral through the family, not the network); nobody here is the FGC
manager, so triage answers 403 to those who can see the referral. bob (South) and
everyone else may not know it exists.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fgc.models import NetworkMember
from fgc.services import referrals
from tests.access import LOGIN, PERSONAS, Entry, Expect
from tests.fgc.booking_helpers import allocated, book
from tests.fgc.factories import make_referral, make_venue


def setup(world: SimpleNamespace) -> None:
    referral = make_referral(family=world.north_family, referred_by=world.alice)
    # The service does not ask who allocates (the view does): the FGC manager's step, done here by hand.
    world.fgc_referral = referrals.allocate(referral=referral, coordinator=world.fern, by=world.alice)
    # Booking: a second referral of the north family, booked, with a member who gets a letter.
    world.fgc_booked = allocated(world.north_family, world.alice, world.fern)
    book(world.fgc_booked, make_venue())
    world.fgc_member = NetworkMember.objects.create(
        referral=world.fgc_booked, name="Gran", relationship="Grandmother", address="1 Road"
    )


def only(default: Expect, **overrides: Expect) -> dict[str, Expect]:
    return {p: (LOGIN if p == "anonymous" else overrides.get(p, default)) for p in PERSONAS}


def _referral(w: Any) -> dict[str, int]:
    return {"pk": w.fgc_referral.pk}


REFERRERS = {"alice": 200, "bob": 200, "mo": 200}
SEES_REFERRAL_403 = {"alice": 403, "mo": 403, "fern": 403}

ENTRIES = [
    Entry("fgc:referral_list", expect=only(404, fern=200, **REFERRERS)),
    Entry("fgc:referral_choose_family", expect=only(404, **REFERRERS)),
    Entry(
        "fgc:referral_create",
        kwargs=lambda w: {"family_pk": w.north_family.pk},
        expect=only(404, alice=200, mo=200),
    ),
    Entry("fgc:referral_detail", kwargs=_referral, expect=only(404, alice=200, mo=200, fern=200)),
    Entry("fgc:referral_accept", kwargs=_referral, method="POST", expect=only(404, **SEES_REFERRAL_403)),
    Entry("fgc:referral_decline", kwargs=_referral, expect=only(404, **SEES_REFERRAL_403)),
    Entry("fgc:referral_allocate", kwargs=_referral, expect=only(404, **SEES_REFERRAL_403)),
    Entry(
        "fgc:referral_contacted",
        kwargs=_referral,
        method="POST",
        expect=only(404, alice=403, mo=403, fern=302),
    ),
    Entry("fgc:referral_baseline", kwargs=_referral, expect=only(404, alice=403, mo=403, fern=200)),
    Entry("fgc:referral_consent", kwargs=_referral, expect=only(404, alice=200, mo=403, fern=200)),
    Entry("fgc:referral_close", kwargs=_referral, expect=only(404, alice=403, mo=403, fern=200)),
    # -- booking (fgc.views.booking) --
    Entry("fgc:booking", kwargs=_referral, expect=only(404, alice=403, mo=403, fern=200)),
    Entry(
        "fgc:booking_cancel",
        kwargs=lambda w: {"pk": w.fgc_booked.pk},
        expect=only(404, alice=403, mo=403, fern=200),
    ),
    Entry(
        "fgc:invitation_letter",
        kwargs=lambda w: {"pk": w.fgc_booked.pk, "member_pk": w.fgc_member.pk},
        expect=only(404, alice=200, fern=200),
    ),
    Entry("fgc:venue_list", expect=only(404)),
    Entry(
        "fgc:venue_active",
        kwargs=lambda w: {"pk": w.fgc_booked.conferences.get().venue_id},
        method="POST",
        expect=only(404),
    ),
]
