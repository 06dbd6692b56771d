"""A proposed match to an active one through the pages, a contact with a concern reaching the
practitioner by real SMTP, and the ending that closes the volunteer's view of the family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
from tests.volunteers.lifecycle_helpers import match_at, volunteer_for
from volunteers.models import Match, MatchState, RequestStatus

pytestmark = pytest.mark.django_db


def test_from_proposal_to_ending_through_the_pages(
    smtp_server: SMTPServer,
    val: User,
    vic: User,
    alice: User,
    north_family: Family,
    client_for: Callable[[User], Client],
) -> None:
    TOTP.activate(val, factories.TOTP_SECRET)
    match = match_at(MatchState.PROPOSED, coordinator=vic, family=north_family, volunteer=volunteer_for(val))
    as_vic, as_alice, as_val = client_for(vic), client_for(alice), factories.login(Client(), val)
    url = reverse("volunteers:match_detail", kwargs={"pk": match.pk})

    def step(client: Client, name: str, data: dict[str, Any] | None = None) -> None:
        response = client.post(reverse(f"volunteers:{name}", kwargs={"pk": match.pk}), data or {})
        assert response.status_code == 302, name

    step(as_vic, "match_offer")
    assert match.request.needs_summary in as_val.get(reverse("volunteers:portal")).content.decode()
    step(as_val, "offer_accept")
    step(as_alice, "match_confirm")
    when = timezone.localdate() + dt.timedelta(days=3)
    step(as_vic, "match_introduce", {"day": when, "start_time": "10:00", "end_time": "11:00", "location": "Family hub"})
    step(as_vic, "match_start", {"started_on": timezone.localdate()})
    assert Match.objects.get(pk=match.pk).state == MatchState.ACTIVE

    response = as_val.post(
        reverse("volunteers:contact_add", kwargs={"pk": match.pk}),
        {
            "occurred_on": timezone.localdate(),
            "kind": "face_to_face",
            "outcome": "made",
            "minutes": "60",
            "miles": "4",
            "concern": "The younger child said they were scared to go home.",
        },
    )
    assert response.status_code == 302
    send_due_messages()
    to_alice = [m for m in smtp_server.to(alice.email) if "Safeguarding concern" in str(m["Subject"])]
    assert len(to_alice) == 1
    body = to_alice[0].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert url in body and north_family.family_name not in body and "scared" not in body
    assert "Safeguarding concerns from volunteers" in as_alice.get("/").content.decode()

    step(as_vic, "match_review", {"held_on": timezone.localdate(), "going_well": "yes", "notes": ""})
    response = as_alice.post(
        reverse("volunteers:match_end", kwargs={"pk": match.pk}),
        {"reason": "family_ended", "planned": "no", "goals_met": "no", "ended_on": timezone.localdate()},
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.state, match.request.status) == (MatchState.ENDED, RequestStatus.CLOSED)
    assert as_val.get(url).status_code == 404
