"""The scheme end to end, as one story: an enquiry becomes an approved volunteer, a practitioner
asks for help, the coordinator matches them, the match becomes active, and a concern the
volunteer logs reaches the practitioner by real SMTP — with the volunteer signing in
through the real sign-in pages, second factor included."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from families.models import Family
from outbox.services import send_due_messages
from tests import factories
from tests.smtp import SMTPServer
from tests.volunteers.factories import WEEKDAY_AFTERNOONS, approve_for_role
from volunteers import availability
from volunteers.models import Match, MatchState, Stage, VolunteerRequest, VolunteerRole
from volunteers.services import recruitment

pytestmark = pytest.mark.django_db


def test_from_an_enquiry_to_an_active_match_and_a_concern_reaching_the_practitioner(
    smtp_server: SMTPServer, vic: User, alice: User, val: User, north_family: Family, client_for: Any
) -> None:
    # Recruitment: an enquiry, every check recorded, approved (the stage is computed).
    volunteer = recruitment.add_enquiry(
        by=vic,
        roles=[VolunteerRole.CHILD_AND_FAMILY],
        first_name="Val",
        last_name="Volunteer",
        email=val.email,
        date_of_birth=dt.date(1980, 1, 1),
        locality=north_family.locality,
        availability=WEEKDAY_AFTERNOONS,
        languages=["English"],
    )
    assert volunteer.applications.get().stage == Stage.ENQUIRY
    application = approve_for_role(volunteer, VolunteerRole.CHILD_AND_FAMILY, coordinator=vic)
    assert application.stage == Stage.APPROVED
    volunteer.refresh_from_db()
    if volunteer.user is None:  # the portal invitation was sent; val already has an account
        volunteer.user = val
        volunteer.save(update_fields=["user"])

    # The practitioner asks for a volunteer through the page.
    as_alice, as_vic = client_for(alice), client_for(vic)
    response = as_alice.post(
        reverse("volunteers:request_create"),
        {
            "role": VolunteerRole.CHILD_AND_FAMILY,
            "family": north_family.pk,
            "goals": "Help with school routines.",
            "needs_summary": "Two children and their mum in the north; after-school help.",
            "preferred_times": availability.choices_from_mask(WEEKDAY_AFTERNOONS),
            "wanted_from": timezone.localdate().isoformat(),
            "expected_weeks": "26",
            "consent_given_by": "Mother",
            "consent_given_on": timezone.localdate().isoformat(),
            "preferred_gender": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = VolunteerRequest.objects.get()

    # The coordinator sees Val top of the ranked list and proposes her; why is kept.
    shortlist = as_vic.get(reverse("volunteers:shortlist", kwargs={"pk": request.pk})).content.decode()
    assert "Val" in shortlist
    as_vic.post(reverse("volunteers:propose", kwargs={"pk": request.pk}), {"volunteer": volunteer.pk, "note": ""})
    match = Match.objects.get(request=request)
    assert (
        match.state == MatchState.PROPOSED
        and match.reasons
        and sum(r["points"] for r in match.reasons) == pytest.approx(match.score)
    )

    def step(client: Client, name: str, data: dict[str, Any] | None = None) -> None:
        response = client.post(reverse(f"volunteers:{name}", kwargs={"pk": match.pk}), data or {})
        assert response.status_code == 302, name

    step(as_vic, "match_offer")
    # Once an offer names a family, the volunteer signs in with a second factor.
    TOTP.activate(val, factories.TOTP_SECRET)
    as_val = Client()
    signed_in = factories.sign_in(as_val, val)
    assert signed_in.status_code == 302
    portal = as_val.get(reverse("volunteers:portal"))
    assert portal.status_code == 200 and request.needs_summary in portal.content.decode()
    assert north_family.family_name not in portal.content.decode()
    step(as_val, "offer_accept")
    step(as_alice, "match_confirm")
    when = timezone.localdate() + dt.timedelta(days=3)
    step(as_vic, "match_introduce", {"day": when, "start_time": "10:00", "end_time": "11:00", "location": "Family hub"})
    step(as_vic, "match_start", {"started_on": timezone.localdate()})
    assert Match.objects.get(pk=match.pk).state == MatchState.ACTIVE

    # A contact with a concern: the practitioner hears at once, by reference and link only.
    response = as_val.post(
        reverse("volunteers:contact_add", kwargs={"pk": match.pk}),
        {
            "occurred_on": timezone.localdate(),
            "kind": "face_to_face",
            "outcome": "made",
            "minutes": "45",
            "miles": "3",
            "concern": "The older child said there was shouting at home.",
        },
    )
    assert response.status_code == 302
    send_due_messages()
    to_alice = [m for m in smtp_server.to(alice.email) if "Safeguarding concern" in str(m["Subject"])]
    assert len(to_alice) == 1
    body = to_alice[0].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert north_family.family_name not in body and "shouting" not in body
    assert "Safeguarding concerns from volunteers" in as_alice.get("/").content.decode()
