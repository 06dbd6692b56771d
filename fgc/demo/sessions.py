"""The booked conference's child has an FGC Ambassador who accepted, and three preparation sessions planned.

The request goes through the FGC's one-action hand-off; the volunteer scheme's demo then
matches it (asked by name, "volunteers.demo_match_fgc_ambassador": its demo runs before
ours), and the proposal is confirmed as the coordinator would. Without the volunteer
scheme, or without an ambassador to match, nothing is planned. Idempotent.
"""

from __future__ import annotations

from django.db import transaction

from core.registry import provided
from fgc.models import ChildVoice, Conference, ConferenceKind, ConferenceStatus, PreparationSession
from fgc.services import child_sessions
from fgc.services import preparation as services

DEMO_MATCH = "volunteers.demo_match_fgc_ambassador"


@transaction.atomic
def build() -> list[str]:
    conference = (
        Conference.objects.filter(kind=ConferenceKind.INITIAL, status=ConferenceStatus.BOOKED)
        .select_related("referral__coordinator")
        .order_by("pk")
        .first()
    )
    match = provided(DEMO_MATCH)
    if conference is None or match is None or PreparationSession.objects.exists():
        return []
    referral, coordinator = conference.referral, conference.referral.coordinator
    # The child whose views the preparation demo recorded, else the youngest.
    voice = ChildVoice.objects.filter(referral=referral).select_related("child").first()
    child = voice.child if voice else referral.children.order_by("date_of_birth").last()
    if coordinator is None or child is None or not services.ambassador_scheme_available():
        return []
    if voice is None or voice.ambassador_request_id is None:
        voice = services.request_ambassador(referral=referral, child=child, by=coordinator)
    assert voice.ambassador_request_id is not None
    match(request_id=voice.ambassador_request_id)
    state = child_sessions.sessions_state(referral=referral, voice=voice)
    if state.proposal is not None and not state.proposal.problem:
        child_sessions.confirm_sessions(voice=voice, by=coordinator, starts=state.proposal.starts)
    return []
