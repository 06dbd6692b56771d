"""The volunteer's portal: what they see, what they may change, and the second factor once they see a family."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from families.models import Family
from tests import factories
from tests.volunteers.lifecycle_helpers import match_at, volunteer_for
from volunteers.models import EndingReason, Match, MatchState, Volunteer
from volunteers.services import lifecycle

pytestmark = pytest.mark.django_db


def test_a_volunteer_sees_first_names_area_and_needs_summary_never_the_case_file(
    val, vic, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, volunteer=volunteer_for(val))
    page = factories.login(Client(), val).get(reverse("volunteers:match_detail", kwargs={"pk": match.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    assert match.request.needs_summary in text
    assert north_family.locality.name in text
    assert north_family.family_name not in text
    assert north_family.case_reference not in text
    assert match.request.goals not in text


def test_access_to_the_family_ends_the_moment_the_match_ends(val, vic, north_family: Family) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, volunteer=volunteer_for(val))
    client = factories.login(Client(), val)
    url = reverse("volunteers:match_detail", kwargs={"pk": match.pk})
    assert client.get(url).status_code == 200
    lifecycle.end_match(
        match=match,
        reason=EndingReason.FAMILY_ENDED,
        goals_met=False,
        planned=False,
        ended_on=timezone.localdate(),
        by=vic,
    )
    assert client.get(url).status_code == 404
    assert client.get(reverse("volunteers:contact_add", kwargs={"pk": match.pk})).status_code == 404
    assert match.request.needs_summary not in client.get(reverse("volunteers:portal")).content.decode()


def test_a_volunteer_changes_only_the_allowed_fields_of_their_profile(val) -> None:
    me = volunteer_for(val, capacity=1)
    client = factories.login(Client(), val)
    response = client.post(
        reverse("volunteers:portal_profile"),
        {
            "phone": "07700 900123",
            "travel_miles": "12",
            "languages_text": "English, Polish",
            "interests_text": "football",
            "slots": ["0-1", "2-2"],
            "capacity": "9",
            "first_name": "Changed",
        },
    )
    assert response.status_code == 302
    me = Volunteer.objects.get(pk=me.pk)
    assert (me.phone, me.travel_miles, me.languages) == ("07700 900123", 12, ["English", "Polish"])
    assert me.capacity == 1 and me.first_name != "Changed"


def test_a_volunteer_accepts_an_offer_in_the_portal_and_declines_another_with_a_reason(
    val, vic, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    me = volunteer_for(val)
    first = match_at(MatchState.OFFERED, coordinator=vic, family=north_family, volunteer=me)
    other = factories.make_family(team=north_family.team, practitioner=north_family.allocated_practitioner)
    second = match_at(MatchState.OFFERED, coordinator=vic, family=other, volunteer=me)
    client = factories.login(Client(), val)
    assert first.request.needs_summary in client.get(reverse("volunteers:portal")).content.decode()
    client.post(reverse("volunteers:offer_accept", kwargs={"pk": first.pk}))
    client.post(reverse("volunteers:offer_decline", kwargs={"pk": second.pk}), {"reason": "I work Fridays now"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == MatchState.ACCEPTED
    assert (second.state, second.declined_reason) == (MatchState.DECLINED, "I work Fridays now")


def test_someone_elses_offer_answers_404(val, vic, north_family: Family) -> None:
    volunteer_for(val)
    theirs = match_at(MatchState.OFFERED, coordinator=vic, family=north_family)
    client = factories.login(Client(), val)
    assert client.post(reverse("volunteers:offer_accept", kwargs={"pk": theirs.pk})).status_code == 404


def test_a_volunteer_needs_no_second_factor_until_offered_a_match_then_must_set_one_up(
    val, vic, north_family: Family, empty_cache: None
) -> None:
    me = volunteer_for(val)
    client = Client()
    response = factories.sign_in(client, val)
    assert response.status_code == 302
    assert client.get(reverse("volunteers:portal")).status_code == 200
    match_at(MatchState.OFFERED, coordinator=vic, family=north_family, volunteer=me)
    response = client.get(reverse("volunteers:portal"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_volunteer_with_a_live_match_signs_in_with_their_authenticator(
    val, vic, north_family: Family, empty_cache: None
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    match_at(MatchState.OFFERED, coordinator=vic, family=north_family, volunteer=volunteer_for(val))
    client = Client()
    first = client.post(reverse("account_login"), {"login": val.email, "password": factories.PASSWORD})
    assert first["Location"] == reverse("mfa_authenticate")
    signed_in = Client()
    factories.sign_in(signed_in, val)
    assert signed_in.get(reverse("volunteers:portal")).status_code == 200
    assert Authenticator.objects.filter(user=val).exists()


def test_the_volunteer_and_the_practitioner_each_record_a_check_in_from_their_side(
    val, vic, alice, north_family: Family
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    match = match_at(MatchState.ACTIVE, coordinator=vic, family=north_family, volunteer=volunteer_for(val))
    url = reverse("volunteers:match_check_in", kwargs={"pk": match.pk})
    answers = {"going_well": "4", "easy_to_meet": "2", "helping": "5", "side": "family"}
    factories.login(Client(), val).post(url, answers)  # a volunteer cannot answer for the family
    factories.login(Client(), alice).post(url, answers)
    assert sorted(match.check_ins.values_list("side", "easy_to_meet")) == [("family", 2), ("volunteer", 2)]


def test_the_schedules_expire_offers_and_nudge_contact_gaps(vic, north_family: Family) -> None:
    from core.registry import declared_schedules
    from volunteers import tasks

    funcs = {declared.func for declared in declared_schedules()}
    assert {"volunteers.tasks.expire_offers", "volunteers.tasks.nudge_contact_gaps"} <= funcs
    match = match_at(MatchState.OFFERED, coordinator=vic, family=north_family)
    Match.objects.filter(pk=match.pk).update(offer_expires_at=timezone.now())
    assert tasks.expire_offers() == 1
    assert tasks.nudge_contact_gaps() == {"nudged": 0, "alerted": 0}
