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

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from fgc.models import (
    Budget,
    ChildVoice,
    ConferenceAttendance,
    ConferenceKind,
    ConferenceStatus,
    FamilyPlan,
    NetworkMember,
    PlanItem,
    PreparationSession,
    Referral,
    ReferralStatus,
    Stage,
    SupportPackage,
)
from fgc.services import booking, preparation, referrals
from tests.access import LOGIN, PERSONAS, Entry, Expect
from tests.fgc.booking_helpers import allocated, book, slot
from tests.fgc.conference_helpers import booked_conference
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
    # The conference: one booked, one held whose plan gina (a professional) took part in.
    world.fgc_conference = booked_conference(family=world.north_family, referrer=world.alice, coordinator=world.fern)
    held = booked_conference(family=world.north_family, referrer=world.alice, coordinator=world.fern, days_ago=7)
    held.status = ConferenceStatus.HELD
    held.save()
    ConferenceAttendance.objects.create(conference=held, professional=world.gina, stages=[Stage.INFORMATION])
    plan = FamilyPlan(conference=held, bottom_lines_met=True, referrer_decision="agreed")
    plan.pdf.save("matrix-plan.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    plan.letters_pdf.save("matrix-letters.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    plan.save()
    world.fgc_held = held
    # Its review conference, booked, with a family member who gets a letter for it.
    Referral.objects.filter(pk=held.referral_id).update(status=ReferralStatus.HELD)
    booking.book(referral=held.referral, by=world.fern, venue=held.venue, kind=ConferenceKind.REVIEW, **slot(days=90))
    world.fgc_review_member = NetworkMember.objects.create(
        referral=held.referral, name="Aunt", relationship="Aunt", address="2 Road"
    )
    item = PlanItem.objects.create(plan=plan, what="Respite weekends", who="Aunt")
    budget = Budget.objects.create(name="Matrix pot", financial_year=2026, amount=Decimal(1000))
    world.fgc_package = SupportPackage.objects.create(
        plan_item=item,
        budget=budget,
        purpose="respite",
        description="Weekend",
        amount=Decimal(100),
        requested_by=world.fern,
    )
    world.fgc_network_member = preparation.add_network_member(
        referral=world.fgc_referral,
        by=world.fern,
        details=preparation.MemberDetails(name="Grace Gran", relationship="Maternal grandmother"),
    )
    world.fgc_child = world.north_family.children.first()
    # A preparation session with the child (plain data: no ambassador or conference is needed to reach its pages).
    voice = ChildVoice.objects.create(referral=world.fgc_referral, child=world.fgc_child)
    start = timezone.now() + dt.timedelta(days=3)
    world.fgc_session = PreparationSession.objects.create(
        voice=voice, start=start, end=start + dt.timedelta(hours=1), planned_by=world.fern
    )


def only(default: Expect, **overrides: Expect) -> dict[str, Expect]:
    return {p: (LOGIN if p == "anonymous" else overrides.get(p, default)) for p in PERSONAS}


def _referral(w: Any) -> dict[str, int]:
    return {"pk": w.fgc_referral.pk}


def _held_referral(w: Any) -> dict[str, int]:
    return {"pk": w.fgc_held.referral_id}


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
    # The review conference's booking: the same pages for the held referral's review.
    Entry("fgc:review_booking", kwargs=_held_referral, expect=only(404, alice=403, mo=403, fern=200)),
    Entry("fgc:review_booking_cancel", kwargs=_held_referral, expect=only(404, alice=403, mo=403, fern=200)),
    Entry(
        "fgc:review_invitation_letter",
        kwargs=lambda w: {"pk": w.fgc_held.referral_id, "member_pk": w.fgc_review_member.pk},
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

# -- the conference and the family plan (fgc.views.conference) --
ENTRIES += [
    Entry("fgc:conference_detail", kwargs=lambda w: {"pk": w.fgc_conference.pk}, expect=only(404, alice=200, fern=200)),
    Entry("fgc:conference_record", kwargs=lambda w: {"pk": w.fgc_conference.pk}, expect=only(404, alice=403, fern=200)),
    # The secure link: those who took part (gina), the coordinator and the referrer (and the FGC manager).
    Entry("fgc:plan_pdf", kwargs=lambda w: {"pk": w.fgc_held.pk}, expect=only(404, alice=200, fern=200, gina=200)),
    Entry("fgc:plan_letters", kwargs=lambda w: {"pk": w.fgc_held.pk}, expect=only(404, fern=200)),
]

# -- support packages (fgc.views.support): the coordinator asks; the package's approval chain decides and pays:
#    the family's team's managers (mo) and the FGC manager (not a persona here: tests/fgc/test_support_access.py,
#    with a manager of another team and one of none). The requester (fern) is not in the chain. --
ENTRIES += [
    Entry("fgc:package_request", kwargs=lambda w: {"pk": w.fgc_held.pk}, expect=only(404, alice=403, fern=200)),
    Entry("fgc:package_list", expect=only(404, mo=200)),
    Entry("fgc:package_decide", kwargs=lambda w: {"pk": w.fgc_package.pk}, expect=only(404, mo=200)),
    # Not yet approved: the service refuses and the manager is sent back to the list.
    Entry("fgc:package_paid", kwargs=lambda w: {"pk": w.fgc_package.pk}, method="POST", expect=only(404, mo=302)),
    # The budget pots: the FGC manager's alone (tests/fgc/test_budget_views.py); a team manager too gets 404.
    Entry("fgc:budget_list", expect=only(404)),
    Entry("fgc:budget_change", kwargs=lambda w: {"pk": w.fgc_package.budget_id}, expect=only(404)),
]

# -- the review FGC and outcomes (fgc.views.review): the coordinator (and FGC manager) --
ENTRIES += [
    Entry("fgc:review_record", kwargs=lambda w: {"pk": w.fgc_held.pk}, expect=only(404, alice=403, fern=200)),
    Entry("fgc:outcome_record", kwargs=lambda w: {"pk": w.fgc_held.pk}, expect=only(404, alice=403, fern=200)),
]


def _member(w: Any) -> dict[str, int]:
    return {"pk": w.fgc_referral.pk, "member_pk": w.fgc_network_member.pk}


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

# -- figures (fgc.views.figures): the FGC manager the whole service, a coordinator (fern) their own allocations --
ENTRIES += [
    Entry("fgc:figures", expect=only(404, fern=200)),
    Entry("fgc:figure_csv", kwargs=lambda w: {"slug": "reasons"}, expect=only(404, fern=200)),
]


def _session(w: Any) -> dict[str, int]:
    return {"pk": w.fgc_referral.pk, "session_pk": w.fgc_session.pk}


# -- the child's preparation sessions (fgc.views.sessions): read as the network, changed by the coordinator --
ENTRIES += [
    Entry("fgc:child_sessions", kwargs=_child, expect=NETWORK_READ),
    Entry("fgc:session_move", kwargs=_session, expect=NETWORK_FORM),
    Entry("fgc:session_cancel", kwargs=_session, expect=NETWORK_FORM),
    # Not started yet: the service refuses and the coordinator is sent back to the sessions.
    Entry("fgc:session_outcome", kwargs=_session, method="POST", data={"held": "yes"}, expect=NETWORK_POST),
]
