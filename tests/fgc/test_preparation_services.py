"""Preparation: the network, visits, the children's views, the ambassador hand-off and the no-new-news check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from fgc.models import ChildVoice, InvitationStatus, NetworkMember, Participation, PreparationVisit, ReferralStatus
from fgc.services import preparation as services
from fgc.services import referrals
from outbox.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

GRAN = services.MemberDetails(name="Grace Gran", relationship="Maternal grandmother", phone="07700 900123")


def test_a_person_added_to_the_network_is_audited_by_id_not_by_name(allocated_referral, fern) -> None:
    member = services.add_network_member(referral=allocated_referral, by=fern, details=GRAN)
    assert member.invitation_status == InvitationStatus.TO_CONTACT
    event = AuditEvent.objects.get(object_type="fgc.NetworkMember", object_id=str(member.pk), action="create")
    assert "Grace" not in event.object_repr + str(event.detail)
    assert event.detail["referral"] == allocated_referral.reference


def test_someone_not_to_be_invited_needs_a_safety_note(allocated_referral, fern) -> None:
    unsafe = services.MemberDetails(name="Dan", relationship="Father", invitation_status=InvitationStatus.NOT_INVITED)
    with pytest.raises(ValidationError) as raised:
        services.add_network_member(referral=allocated_referral, by=fern, details=unsafe)
    assert "safety_note" in raised.value.message_dict
    assert not NetworkMember.objects.exists()
    member = services.add_network_member(
        referral=allocated_referral,
        by=fern,
        details=services.MemberDetails(
            name="Dan",
            relationship="Father",
            invitation_status=InvitationStatus.NOT_INVITED,
            safety_note="Bail conditions.",
        ),
    )
    assert member.safety_note == "Bail conditions."


def test_a_member_is_changed_and_removed(allocated_referral, fern) -> None:
    member = services.add_network_member(referral=allocated_referral, by=fern, details=GRAN)
    changed = services.MemberDetails(
        name="Grace Gran",
        relationship="Maternal grandmother",
        invitation_status=InvitationStatus.ATTENDING,
        interpreter_language="Polish",
        childcare_needed=True,
    )
    member = services.change_network_member(member=member, by=fern, details=changed)
    member.refresh_from_db()
    assert (member.invitation_status, member.interpreter_language, member.childcare_needed) == (
        InvitationStatus.ATTENDING,
        "Polish",
        True,
    )
    services.remove_network_member(member=member, by=fern)
    assert not NetworkMember.objects.exists()


def test_nothing_changes_while_consent_is_withdrawn(allocated_referral, alice, fern) -> None:
    member = services.add_network_member(referral=allocated_referral, by=fern, details=GRAN)
    referrals.withdraw_consent(referral=allocated_referral, by=alice)
    with pytest.raises(ValidationError) as raised:
        services.add_network_member(referral=allocated_referral, by=fern, details=GRAN)
    assert "paused" in raised.value.messages[0]
    with pytest.raises(ValidationError):
        services.remove_network_member(member=member, by=fern)
    assert NetworkMember.objects.count() == 1


def test_an_unallocated_referral_has_no_preparation_yet(alice, fern, north_family) -> None:
    from tests.fgc.factories import make_referral

    referral = make_referral(family=north_family, referred_by=alice)
    with pytest.raises(ValidationError):
        services.add_network_member(referral=referral, by=fern, details=GRAN)


def test_a_visit_moves_someone_still_to_contact_to_visited_but_keeps_a_later_status(allocated_referral, fern) -> None:
    gran = services.add_network_member(referral=allocated_referral, by=fern, details=GRAN)
    aunt = services.add_network_member(
        referral=allocated_referral,
        by=fern,
        details=services.MemberDetails(name="Ann", relationship="Aunt", invitation_status=InvitationStatus.DECLINED),
    )
    today = timezone.localdate()
    services.log_visit(referral=allocated_referral, by=fern, visited_on=today, member=gran, notes="Keen to help.")
    services.log_visit(referral=allocated_referral, by=fern, visited_on=today, member=aunt)
    gran.refresh_from_db()
    aunt.refresh_from_db()
    assert gran.invitation_status == InvitationStatus.VISITED
    assert aunt.invitation_status == InvitationStatus.DECLINED
    assert PreparationVisit.objects.filter(member=gran).get().notes == "Keen to help."


def test_a_visit_is_with_one_person_of_this_referral_and_not_in_the_future(
    allocated_referral, fern, alice, north
) -> None:
    child = allocated_referral.children.first()
    gran = services.add_network_member(referral=allocated_referral, by=fern, details=GRAN)
    today = timezone.localdate()
    services.log_visit(referral=allocated_referral, by=fern, visited_on=today, child=child)
    other_family = factories.make_family(team=north, practitioner=alice)
    for bad in (
        {"member": gran, "child": child},
        {},
        {"child": other_family.children.first()},
    ):
        with pytest.raises(ValidationError) as raised:
            services.log_visit(referral=allocated_referral, by=fern, visited_on=today, **bad)
        assert "member" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.log_visit(referral=allocated_referral, by=fern, visited_on=today + dt.timedelta(days=1), member=gran)
    assert "visited_on" in raised.value.message_dict
    assert PreparationVisit.objects.count() == 1


def test_sharing_the_childs_views_tells_the_referrer_by_link_and_a_change_needs_sharing_again(
    allocated_referral, alice, fern, north_family
) -> None:
    child = allocated_referral.children.first()
    voice = services.record_child_voice(
        referral=allocated_referral,
        child=child,
        by=fern,
        participation=Participation.PART,
        views="I want to stay with my nan at weekends.",
    )
    voice = services.share_child_voice(voice=voice, by=fern)
    assert voice.shared_at is not None
    email = OutboxMessage.objects.get(to=[alice.email], subject__contains="views")
    assert allocated_referral.reference in email.subject
    assert f"/fgc/referrals/{allocated_referral.pk}/preparation/" in email.text
    for private in ("nan", child.first_name, north_family.family_name):
        assert private not in email.subject + email.text + email.html
    with pytest.raises(ValidationError):
        services.share_child_voice(voice=voice, by=fern)
    voice = services.record_child_voice(
        referral=allocated_referral,
        child=child,
        by=fern,
        participation=Participation.PART,
        views="I want to stay with my nan at weekends and see my dad.",
    )
    assert voice.shared_at is None


def test_empty_views_cannot_be_shared(allocated_referral, fern) -> None:
    voice = services.record_child_voice(
        referral=allocated_referral,
        child=allocated_referral.children.first(),
        by=fern,
        participation=Participation.NOT_TAKING_PART,
        views="  ",
    )
    with pytest.raises(ValidationError):
        services.share_child_voice(voice=voice, by=fern)
    assert not OutboxMessage.objects.filter(subject__contains="views").exists()


def test_an_ambassador_is_requested_once_through_the_volunteer_scheme(
    allocated_referral, fern, volunteer_scheme
) -> None:
    child = allocated_referral.children.first()
    voice = services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    assert voice.ambassador_request_id == 9001
    [sent] = volunteer_scheme.requests
    assert sent["child_id"] == child.pk and sent["family_id"] == allocated_referral.family_id
    assert sent["requested_by"] == fern and sent["reference"] == allocated_referral.reference
    assert sent["wanted_from"] == timezone.localdate()
    assert child.first_name not in sent["needs_summary"] and allocated_referral.reference in sent["needs_summary"]
    assert services.ambassador_match(voice) == {
        "state": "proposed",
        "volunteer_first_name": "Sam",
        "reference": "VR-9001",
    }
    with pytest.raises(ValidationError):
        services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    assert len(volunteer_scheme.requests) == 1


@pytest.mark.usefixtures("no_volunteer_scheme")
def test_without_the_volunteer_scheme_the_request_explains_and_stores_nothing(allocated_referral, fern) -> None:
    child = allocated_referral.children.first()
    assert not services.ambassador_scheme_available()
    with pytest.raises(ValidationError) as raised:
        services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    assert "volunteer scheme is not available" in raised.value.messages[0]
    assert not ChildVoice.objects.filter(ambassador_request_id__isnull=False).exists()


def test_the_ambassador_speaks_for_the_child_only_once_one_is_requested(
    allocated_referral, fern, volunteer_scheme
) -> None:
    child = allocated_referral.children.first()
    with pytest.raises(ValidationError) as raised:
        services.record_child_voice(
            referral=allocated_referral,
            child=child,
            by=fern,
            participation=Participation.VIEWS_ONLY,
            views="Sam says: she misses her brother.",
            spoken_by_ambassador=True,
        )
    assert "spoken_by_ambassador" in raised.value.message_dict
    services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    voice = services.record_child_voice(
        referral=allocated_referral,
        child=child,
        by=fern,
        participation=Participation.VIEWS_ONLY,
        views="Sam says: she misses her brother.",
        spoken_by_ambassador=True,
    )
    assert voice.spoken_by_ambassador and voice.ambassador_request_id == 9001


def test_the_no_new_news_check_records_who_and_when_and_only_before_the_day(allocated_referral, fern) -> None:
    check = services.record_no_new_news(referral=allocated_referral, by=fern, note="Report of 3 March read with mum.")
    assert check.checked_by == fern and check.checked_at is not None
    again = services.record_no_new_news(referral=allocated_referral, by=fern)
    assert again.pk == check.pk and again.checked_at >= check.checked_at
    allocated_referral.status = ReferralStatus.HELD
    allocated_referral.save()
    with pytest.raises(ValidationError):
        services.record_no_new_news(referral=allocated_referral, by=fern)
