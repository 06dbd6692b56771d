"""Referral, triage and allocation: what each step does, tells and refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from diary.models import MeetingStatus
from families.models import Family
from fgc import selectors
from fgc.models import Referral, ReferralReason, ReferralStatus, Urgency
from fgc.services import referrals as services
from outbox.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


def _refer(family: Family, by: User, **extra: Any) -> Referral:
    fields: dict[str, Any] = {
        "children": list(family.children.all()),
        "reason": ReferralReason.ICPC,
        "consent_given_by": "Mother",
        "consent_given_on": timezone.localdate(),
        "bottom_lines": "No unsupervised contact with the father.",
        "key_date": timezone.localdate() + dt.timedelta(days=40),
        "key_date_kind": "icpc",
    }
    fields.update(extra)
    return services.refer(family=family, by=by, **fields)


def test_the_referrer_hears_at_once_with_the_reference_and_place_on_the_list(alice, north_family) -> None:
    referral = _refer(north_family, alice)
    email = OutboxMessage.objects.get(template="fgc_referral_update")
    assert email.to == [alice.email] or alice.email in email.to
    assert referral.reference in email.subject
    assert "number 1 on the waiting list" in email.text
    names = [north_family.family_name, *[c.first_name for c in north_family.children.all()]]
    assert not any(name in email.subject + email.text + email.html for name in names)


def test_a_referral_must_name_children_of_this_family_only(alice, north_family, south_family) -> None:
    with pytest.raises(ValidationError) as raised:
        _refer(north_family, alice, children=list(south_family.children.all()))
    assert "children" in raised.value.message_dict
    with pytest.raises(ValidationError):
        _refer(north_family, alice, children=[])
    with pytest.raises(ValidationError) as raised:
        _refer(north_family, alice, key_date=timezone.localdate() - dt.timedelta(days=1))
    assert "key_date" in raised.value.message_dict
    assert not Referral.objects.exists()


def test_urgent_referrals_go_ahead_of_routine_ones_on_the_waiting_list(alice, north, north_family) -> None:
    first = _refer(north_family, alice)
    second = _refer(factories.make_family(team=north, practitioner=alice), alice)
    urgent = _refer(factories.make_family(team=north, practitioner=alice), alice, urgency=Urgency.URGENT)
    assert services.waiting_position(urgent) == 1
    assert services.waiting_position(first) == 2
    assert services.waiting_position(second) == 3
    assert [r.pk for r in selectors.waiting_list()] == [urgent.pk, first.pk, second.pk]


def test_the_familys_case_holder_and_the_referrer_cannot_coordinate(alice, fay, fern, north_family) -> None:
    referral = _refer(north_family, alice)
    alice_coordinator = factories.make_user("alice2@example.gov.uk", roles=())
    for person in (alice, alice_coordinator):
        with pytest.raises(ValidationError) as raised:
            services.allocate(referral=referral, coordinator=person, by=fay)
        assert "coordinator" in raised.value.message_dict
    referral.refresh_from_db()
    assert referral.coordinator is None


def test_allocation_tells_the_coordinator_and_the_referrer(alice, fay, fern, north_family) -> None:
    referral = _refer(north_family, alice)
    services.accept(referral=referral, by=fay)
    referral = services.allocate(referral=referral, coordinator=fern, by=fay)
    assert referral.status == ReferralStatus.ALLOCATED
    assert services.waiting_position(referral) is None
    to = [m.to for m in OutboxMessage.objects.filter(template="fgc_referral_update").order_by("pk")]
    assert [fern.email] in to
    assert sum(1 for t in to if t == [alice.email]) == 3  # received, accepted, allocated


def test_an_urgent_referral_skips_the_separate_first_meeting(alice, fay, fern, north_family) -> None:
    referral = _refer(north_family, alice, urgency=Urgency.URGENT)
    referral = services.allocate(referral=referral, coordinator=fern, by=fay)
    assert referral.status == ReferralStatus.PREPARING
    assert services.baseline_due_by(referral) is None
    assert not selectors.clock_for(referral).baseline_overdue


def test_the_clock_flags_a_referrer_not_contacted_within_48_hours(alice, fay, fern, north_family) -> None:
    referral = services.allocate(referral=_refer(north_family, alice), coordinator=fern, by=fay)
    assert not selectors.clock_for(referral).contact_overdue
    Referral.objects.filter(pk=referral.pk).update(allocated_at=timezone.now() - dt.timedelta(hours=49))
    referral.refresh_from_db()
    assert selectors.clock_for(referral).contact_overdue
    services.record_referrer_contact(referral=referral, by=fern)
    referral.refresh_from_db()
    assert not selectors.clock_for(referral).contact_overdue


def test_the_clock_flags_no_first_meeting_after_five_working_days(alice, fay, fern, north_family) -> None:
    referral = services.allocate(referral=_refer(north_family, alice), coordinator=fern, by=fay)
    due = services.baseline_due_by(referral)
    assert due is not None
    assert not selectors.clock_for(referral, today=due).baseline_overdue
    assert selectors.clock_for(referral, today=due + dt.timedelta(days=1)).baseline_overdue


def test_working_days_left_skip_weekends_and_bank_holidays() -> None:
    # From Friday 18 December 2026: the 21st to the 24th, then Christmas (Friday) and Boxing Day
    # (Saturday, its holiday moved to Monday the 28th), so Tuesday the 29th is the fifth working day.
    assert selectors.working_days_between(dt.date(2026, 12, 18), dt.date(2026, 12, 29)) == 5
    assert selectors.working_days_between(dt.date(2026, 12, 29), dt.date(2026, 12, 18)) == -5
    assert selectors.working_days_between(dt.date(2026, 12, 18), dt.date(2026, 12, 18)) == 0


def test_at_risk_lists_the_soonest_deadline_first(alice, north) -> None:
    today = timezone.localdate()
    later = _refer(factories.make_family(team=north, practitioner=alice), alice, key_date=today + dt.timedelta(days=9))
    sooner = _refer(factories.make_family(team=north, practitioner=alice), alice, key_date=today + dt.timedelta(days=3))
    _refer(factories.make_family(team=north, practitioner=alice), alice, key_date=today + dt.timedelta(days=60))
    found = [r.pk for r, _clock in selectors.at_risk(Referral.objects.all())]
    assert found == [sooner.pk, later.pk]


def test_the_first_meeting_invites_coordinator_and_referrer_by_reference(alice, fay, fern, north_family) -> None:
    referral = services.allocate(referral=_refer(north_family, alice), coordinator=fern, by=fay)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    referral = services.arrange_baseline_meeting(
        referral=referral, by=fern, start=start, end=start + dt.timedelta(hours=1)
    )
    assert referral.status == ReferralStatus.PREPARING
    invites = OutboxMessage.objects.filter(calendar_method="REQUEST")
    assert sorted(m.to[0] for m in invites) == sorted([alice.email, fern.email])
    assert all(referral.reference in m.subject and north_family.family_name not in m.text for m in invites)


def test_withdrawn_consent_pauses_and_given_again_resumes_where_it_was(alice, fay, fern, north_family) -> None:
    referral = services.allocate(referral=_refer(north_family, alice), coordinator=fern, by=fay)
    referral = services.withdraw_consent(referral=referral, by=alice)
    assert referral.status == ReferralStatus.PAUSED
    with pytest.raises(ValidationError):
        services.allocate(referral=referral, coordinator=fern, by=fay)
    with pytest.raises(ValidationError) as raised:
        services.restore_consent(referral=referral, by=alice, given_by=" ")
    assert "consent_given_by" in raised.value.message_dict
    referral = services.restore_consent(referral=referral, by=alice, given_by="Both parents")
    assert referral.status == ReferralStatus.ALLOCATED
    assert referral.consent_withdrawn_on is None


def test_closing_cancels_a_first_meeting_still_to_come(alice, fay, fern, north_family) -> None:
    referral = services.allocate(referral=_refer(north_family, alice), coordinator=fern, by=fay)
    start = timezone.now() + dt.timedelta(days=3)
    referral = services.arrange_baseline_meeting(
        referral=referral, by=fern, start=start, end=start + dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        services.close(referral=referral, by=fay, reason="  ")
    referral = services.close(referral=referral, by=fay, reason="The family moved away.")
    assert referral.status == ReferralStatus.CLOSED
    assert referral.baseline_meeting is not None
    referral.baseline_meeting.refresh_from_db()
    assert referral.baseline_meeting.status == MeetingStatus.CANCELLED


def test_a_declined_referral_cannot_then_be_allocated(alice, fay, fern, north_family) -> None:
    referral = services.decline(referral=_refer(north_family, alice), by=fay, reason="Not an FGC case.")
    with pytest.raises(ValidationError):
        services.allocate(referral=referral, coordinator=fern, by=fay)
