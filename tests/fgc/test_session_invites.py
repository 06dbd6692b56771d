"""With the real volunteer scheme: the accepted ambassador's free times plan the sessions, and the invites reach
the ambassador and the coordinator through a real SMTP server, naming the referral and never the child."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from fgc.services import child_sessions
from fgc.services import preparation as services
from outbox.services import send_due_messages
from tests.assertions import assert_invite_email, assert_never_mentions, attendees_of, the_event
from tests.fgc.booking_helpers import book, slot
from tests.fgc.factories import make_venue
from tests.smtp import SMTPServer
from tests.volunteers.factories import make_volunteer
from tests.volunteers.lifecycle_helpers import match_at
from volunteers import availability
from volunteers.models import MatchState, VolunteerRequest
from volunteers.services import lifecycle

pytestmark = pytest.mark.django_db


def test_the_ambassador_and_the_coordinator_get_invites_naming_the_referral_only(
    smtp_server: SMTPServer, client_for, allocated_referral, fern, vic
) -> None:
    child = allocated_referral.children.order_by("date_of_birth")[0]
    voice = services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    rosa = make_volunteer(first_name="Rosa", availability=availability.mask_of((day, 2) for day in range(7)))
    assert voice.ambassador_request_id is not None
    request = VolunteerRequest.objects.get(pk=voice.ambassador_request_id)
    offered = match_at(MatchState.OFFERED, coordinator=vic, request=request, volunteer=rosa)
    assert child_sessions.sessions_state(referral=allocated_referral, voice=voice).needed_first == (
        child_sessions.NO_MATCH
    )
    lifecycle.accept_offer(match=offered, by=vic)
    book(allocated_referral, make_venue(), **slot(days=21))
    state = child_sessions.sessions_state(referral=allocated_referral, voice=voice)
    assert state.proposal is not None and len(state.proposal.slots) == 3
    data = {}
    for n, start in enumerate(state.proposal.starts, start=1):
        local = timezone.localtime(start)
        data[f"day_{n}"], data[f"time_{n}"] = local.date().isoformat(), local.strftime("%H:%M")
    url = reverse("fgc:child_sessions", kwargs={"pk": allocated_referral.pk, "child_pk": child.pk})
    assert client_for(fern).post(url, data).status_code == 302

    send_due_messages()
    family = allocated_referral.family
    private = [
        family.family_name,
        "Rosa",
        *(name for c in family.children.all() for name in (c.first_name, c.last_name)),
    ]
    # The volunteer's address is shown to nobody but the volunteer (diary.ical.visible_attendees).
    listed = {rosa.email: {rosa.email, fern.email}, fern.email: {fern.email}}
    for address, attendees in listed.items():
        invites = [m for m in smtp_server.to(address) if "preparation session" in str(m["Subject"])]
        assert len(invites) == 3, address
        for message in invites:
            event = the_event(assert_invite_email(message, method="REQUEST"))
            assert allocated_referral.reference in str(event["SUMMARY"])
            assert set(attendees_of(event)) == {a.lower() for a in attendees}
            assert_never_mentions(message, private)
