"""Every FGC URL as every persona (see tests/access.py).

The world: alice referred the north family; fern coordinates it. mo manages North
(he sees the referral through the family, not the network); nobody here is the FGC
manager, so triage answers 403 to those who can see the referral. bob (South) and
everyone else may not know it exists.

Preparation (the family network, visits, the children's views): the referrer reads it,
the coordinator (and the FGC manager) change it; anyone else who can see the referral
gets 403 (they know it exists, not its network), everyone else 404.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fgc.services import preparation, referrals
from tests.access import LOGIN, PERSONAS, Entry, Expect
from tests.fgc.factories import make_referral


def setup(world: SimpleNamespace) -> None:
    referral = make_referral(family=world.north_family, referred_by=world.alice)
    # The service does not ask who allocates (the view does): the FGC manager's step, done here by hand.
    world.fgc_referral = referrals.allocate(referral=referral, coordinator=world.fern, by=world.alice)
    world.fgc_member = preparation.add_network_member(
        referral=world.fgc_referral,
        by=world.fern,
        details=preparation.MemberDetails(name="Grace Gran", relationship="Maternal grandmother"),
    )
    world.fgc_child = world.north_family.children.first()


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
]


def _member(w: Any) -> dict[str, int]:
    return {"pk": w.fgc_referral.pk, "member_pk": w.fgc_member.pk}


def _child(w: Any) -> dict[str, int]:
    return {"pk": w.fgc_referral.pk, "child_pk": w.fgc_child.pk}


NETWORK_READ = only(404, alice=200, mo=403, fern=200)
NETWORK_FORM = only(404, alice=403, mo=403, fern=200)
NETWORK_POST = only(404, alice=403, mo=403, fern=302)

ENTRIES += [
    Entry("fgc:preparation", kwargs=_referral, expect=NETWORK_READ),
    Entry("fgc:network_add", kwargs=_referral, expect=NETWORK_FORM),
    Entry("fgc:network_change", kwargs=_member, expect=NETWORK_FORM),
    Entry("fgc:network_remove", kwargs=_member, expect=NETWORK_FORM),
    Entry("fgc:visit_add", kwargs=_referral, expect=NETWORK_FORM),
    Entry("fgc:child_voice", kwargs=_child, expect=NETWORK_FORM),
    Entry("fgc:child_voice_share", kwargs=_child, method="POST", expect=NETWORK_POST),
    Entry("fgc:ambassador_request", kwargs=_child, method="POST", expect=NETWORK_POST),
    Entry("fgc:no_new_news", kwargs=_referral, expect=NETWORK_FORM),
]
