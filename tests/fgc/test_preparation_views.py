"""The preparation pages as the coordinator, the referrer, the FGC manager and other professionals use them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from fgc.models import ChildVoice, InvitationStatus, NetworkMember, NoNewNewsCheck, PreparationVisit
from fgc.services import preparation as services
from fgc.services import referrals
from tests import factories
from tests.fgc.factories import make_referral

pytestmark = pytest.mark.django_db

MEMBER = {
    "name": "Grace Gran",
    "relationship": "Maternal grandmother",
    "invitation_status": "to_contact",
    "phone": "07700 900123",
    "email": "",
}


def _url(name: str, referral, **extra) -> str:
    return reverse(f"fgc:{name}", kwargs={"pk": referral.pk, **extra})


def test_the_coordinator_adds_a_person_and_sees_them_in_the_network(client_for, allocated_referral, fern) -> None:
    client = client_for(fern)
    response = client.post(_url("network_add", allocated_referral), MEMBER)
    assert response.status_code == 302 and response["Location"] == _url("preparation", allocated_referral)
    page = client.get(response["Location"]).content.decode()
    assert "Grace Gran" in page and "Maternal grandmother" in page and "To contact" in page


def test_a_person_without_a_name_or_a_safety_note_is_refused_with_clear_messages(
    client_for, allocated_referral, fern
) -> None:
    client = client_for(fern)
    body = client.post(
        _url("network_add", allocated_referral),
        {**MEMBER, "name": "", "invitation_status": "not_invited", "email": "not-an-email"},
    ).content.decode()
    assert "There is a problem" in body
    assert "Enter the person&#x27;s name." in body
    assert "Say why this person is not to be invited" in body
    assert "Enter an email address like name@example.com." in body
    assert not NetworkMember.objects.exists()


def test_the_coordinator_changes_and_removes_a_person(client_for, allocated_referral, fern) -> None:
    member = services.add_network_member(
        referral=allocated_referral, by=fern, details=services.MemberDetails(name="Grace Gran", relationship="Gran")
    )
    client = client_for(fern)
    assert "Grace Gran" in client.get(_url("network_change", allocated_referral, member_pk=member.pk)).content.decode()
    client.post(
        _url("network_change", allocated_referral, member_pk=member.pk),
        {**MEMBER, "invitation_status": "attending", "childcare_needed": "on"},
    )
    member.refresh_from_db()
    assert member.invitation_status == InvitationStatus.ATTENDING and member.childcare_needed
    client.post(_url("network_remove", allocated_referral, member_pk=member.pk))
    assert not NetworkMember.objects.exists()


def test_a_person_from_another_referral_is_not_found(client_for, allocated_referral, alice, fay, fern, north) -> None:
    other = referrals.allocate(
        referral=make_referral(family=factories.make_family(team=north, practitioner=alice), referred_by=alice),
        coordinator=fern,
        by=fay,
    )
    theirs = services.add_network_member(
        referral=other, by=fern, details=services.MemberDetails(name="X", relationship="Uncle")
    )
    client = client_for(fern)
    assert client.get(_url("network_change", allocated_referral, member_pk=theirs.pk)).status_code == 404
    assert client.post(_url("network_remove", allocated_referral, member_pk=theirs.pk)).status_code == 404
    assert NetworkMember.objects.filter(pk=theirs.pk).exists()


def test_a_manager_of_the_familys_team_who_is_not_the_referrer_cannot_see_the_network(
    client_for, allocated_referral, fern, mo, bob
) -> None:
    services.add_network_member(
        referral=allocated_referral, by=fern, details=services.MemberDetails(name="Grace Gran", relationship="Gran")
    )
    client = client_for(mo)
    detail = client.get(_url("referral_detail", allocated_referral)).content.decode()
    assert detail and _url("preparation", allocated_referral) not in detail
    response = client.get(_url("preparation", allocated_referral))
    assert response.status_code == 403 and "Grace Gran" not in response.content.decode()
    assert client_for(bob).get(_url("preparation", allocated_referral)).status_code == 404
    assert not AuditEvent.objects.filter(action="view", detail__page="preparation").exists()


def test_the_referrer_reads_the_network_but_cannot_change_it(client_for, allocated_referral, alice, fern) -> None:
    services.add_network_member(
        referral=allocated_referral, by=fern, details=services.MemberDetails(name="Grace Gran", relationship="Gran")
    )
    client = client_for(alice)
    page = client.get(_url("preparation", allocated_referral)).content.decode()
    assert "Grace Gran" in page and "Add a person" not in page
    assert client.post(_url("network_add", allocated_referral), MEMBER).status_code == 403
    assert NetworkMember.objects.count() == 1


def test_the_fgc_manager_sees_and_changes_the_network(client_for, allocated_referral, fay) -> None:
    client = client_for(fay)
    assert client.get(_url("preparation", allocated_referral)).status_code == 200
    client.post(_url("network_add", allocated_referral), MEMBER)
    assert NetworkMember.objects.count() == 1


def test_every_view_of_the_network_is_audited_against_the_referral(client_for, allocated_referral, alice, fern) -> None:
    member = services.add_network_member(
        referral=allocated_referral, by=fern, details=services.MemberDetails(name="Grace Gran", relationship="Gran")
    )
    client_for(alice).get(_url("preparation", allocated_referral))
    client_for(fern).get(_url("network_change", allocated_referral, member_pk=member.pk))
    views = AuditEvent.objects.filter(action="view", object_id=str(allocated_referral.pk))
    assert {(e.actor_id, e.detail["page"]) for e in views} >= {(alice.pk, "preparation"), (fern.pk, "network-member")}
    assert all("Grace" not in e.object_repr for e in views)


def test_a_visit_needs_someone_and_a_date(client_for, allocated_referral, fern) -> None:
    member = services.add_network_member(
        referral=allocated_referral, by=fern, details=services.MemberDetails(name="Grace Gran", relationship="Gran")
    )
    client = client_for(fern)
    body = client.post(_url("visit_add", allocated_referral), {"visited_on": "", "notes": "x"}).content.decode()
    assert "Select who the visit was with." in body and "Enter the date of the visit." in body
    assert not PreparationVisit.objects.exists()
    client.post(
        _url("visit_add", allocated_referral),
        {"who": f"member-{member.pk}", "visited_on": timezone.localdate().strftime("%d/%m/%Y"), "notes": "Keen."},
    )
    member.refresh_from_db()
    assert member.invitation_status == InvitationStatus.VISITED
    assert "Keen." in client.get(_url("preparation", allocated_referral)).content.decode()


def test_the_referrer_reads_the_childs_views_only_once_shared(client_for, allocated_referral, alice, fern) -> None:
    child = allocated_referral.children.first()
    coordinator = client_for(fern)
    coordinator.post(
        _url("child_voice", allocated_referral, child_pk=child.pk),
        {"participation": "part", "views": "I like seeing my nan."},
    )
    referrer = client_for(alice)
    assert "I like seeing my nan." not in referrer.get(_url("preparation", allocated_referral)).content.decode()
    coordinator.post(_url("child_voice_share", allocated_referral, child_pk=child.pk))
    assert "I like seeing my nan." in referrer.get(_url("preparation", allocated_referral)).content.decode()


def test_views_without_a_participation_choice_are_refused(client_for, allocated_referral, fern) -> None:
    child = allocated_referral.children.first()
    body = (
        client_for(fern)
        .post(_url("child_voice", allocated_referral, child_pk=child.pk), {"views": "Hello"})
        .content.decode()
    )
    assert "Select how the child wants to take part." in body
    assert not ChildVoice.objects.exists()


@pytest.mark.usefixtures("no_volunteer_scheme")
def test_without_the_volunteer_scheme_the_page_explains_and_the_request_changes_nothing(
    client_for, allocated_referral, fern
) -> None:
    child = allocated_referral.children.first()
    client = client_for(fern)
    page = client.get(_url("preparation", allocated_referral)).content.decode()
    assert "The volunteer scheme is not available" in page and "Request an FGC Ambassador" not in page
    response = client.post(_url("ambassador_request", allocated_referral, child_pk=child.pk), follow=True)
    assert "The volunteer scheme is not available" in response.content.decode()
    assert not ChildVoice.objects.filter(ambassador_request_id__isnull=False).exists()


def test_one_click_requests_an_ambassador_and_the_match_shows(
    client_for, allocated_referral, fern, volunteer_scheme
) -> None:
    child = allocated_referral.children.first()
    client = client_for(fern)
    assert "Request an FGC Ambassador" in client.get(_url("preparation", allocated_referral)).content.decode()
    client.post(_url("ambassador_request", allocated_referral, child_pk=child.pk))
    assert ChildVoice.objects.get(child=child).ambassador_request_id == 9001
    volunteer_scheme.state = "introduced"
    page = client.get(_url("preparation", allocated_referral)).content.decode()
    assert "Match: introduced, with Sam." in page


def test_the_no_new_news_check_needs_confirming(client_for, allocated_referral, fern) -> None:
    client = client_for(fern)
    body = client.post(_url("no_new_news", allocated_referral), {"note": "x"}).content.decode()
    assert "Confirm that the report holds nothing the family has not heard." in body
    assert not NoNewNewsCheck.objects.exists()
    client.post(_url("no_new_news", allocated_referral), {"confirmed": "on", "note": "Read with mum."})
    page = client.get(_url("preparation", allocated_referral)).content.decode()
    assert "Checked" in page and fern.full_name in page and "Read with mum." in page


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_preparation_page_uses_the_same_queries_for_a_small_and_a_large_network(
    client_for, allocated_referral, fern, volunteer_scheme
) -> None:
    client = client_for(fern)
    url = _url("preparation", allocated_referral)
    today = timezone.localdate()

    def grow(n: int) -> None:
        for i in range(n):
            member = services.add_network_member(
                referral=allocated_referral,
                by=fern,
                details=services.MemberDetails(name=f"P{i}", relationship="Friend"),
            )
            services.log_visit(referral=allocated_referral, by=fern, visited_on=today, member=member)

    grow(1)
    small = _count(client, url)
    grow(10)
    assert _count(client, url) == small


def test_a_paused_referral_offers_no_changes_but_still_shows_the_network(
    client_for, allocated_referral, alice, fern
) -> None:
    services.add_network_member(
        referral=allocated_referral, by=fern, details=services.MemberDetails(name="Grace Gran", relationship="Gran")
    )
    referrals.withdraw_consent(referral=allocated_referral, by=alice)
    client = client_for(fern)
    page = client.get(_url("preparation", allocated_referral)).content.decode()
    assert "Grace Gran" in page and "Add a person" not in page and "Record the check" not in page
    response = client.post(_url("network_add", allocated_referral), MEMBER)
    assert "the work is paused" in response.content.decode()
    assert NetworkMember.objects.count() == 1


def test_with_the_real_volunteer_scheme_the_request_reaches_its_list_and_the_match_shows(
    client_for, allocated_referral, fern
) -> None:
    child = allocated_referral.children.first()
    client = client_for(fern)
    client.post(_url("ambassador_request", allocated_referral, child_pk=child.pk))
    request_id = ChildVoice.objects.get(child=child).ambassador_request_id
    # Looked up by name: fgc's tests, like fgc, do not import the volunteer app.
    volunteer_request = apps.get_model("volunteers", "VolunteerRequest").objects.get(pk=request_id)
    assert volunteer_request.child_id == child.pk
    assert allocated_referral.reference in volunteer_request.goals
    assert "Match: Waiting for a match." in client.get(_url("preparation", allocated_referral)).content.decode()
