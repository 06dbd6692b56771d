"""Proposing a volunteer for a request, with why: the record a complaint or an inspection reads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from volunteers.matching.ranking import Candidate, Ranking, rank
from volunteers.models import Match, MatchState, Volunteer, VolunteerRequest


def _passed_over(other: Candidate, chosen: Candidate, note: str) -> str:
    if other.score > chosen.score:
        return f"Scored higher ({other.score} against {chosen.score}); not chosen: {note}"
    if other.score == chosen.score:
        return f"Scored the same ({other.score}); not chosen: {note}"
    return f"Scored lower ({other.score} against {chosen.score})."


def shortlist_record(ranking: Ranking, chosen: Candidate, note: str) -> list[dict[str, Any]]:
    """The other candidates at the top of the ranked list, each with their reasons and why passed over."""
    kept = int(settings.KINFOLK_SHORTLIST_KEPT)
    others = [c for c in ranking.top(kept + 1) if c.volunteer_id != chosen.volunteer_id][:kept]
    return [
        {
            "volunteer_id": c.volunteer_id,
            "name": c.name,
            "score": c.score,
            "reasons": c.lines,
            "passed_over": _passed_over(c, chosen, note),
        }
        for c in others
    ]


@transaction.atomic
def propose_match(*, request: VolunteerRequest, volunteer: Volunteer, by: User, note: str = "") -> Match:
    """Propose `volunteer` for `request`: the hard rules are checked again in the database, now.

    A volunteer who is not top of the ranked list needs a note saying why (the board's
    optimal assignment gives its own).
    """
    request = (
        VolunteerRequest.objects.select_for_update(of=("self",))
        .select_related("family__locality", "care_leaver__locality")
        .get(pk=request.pk)
    )
    # Two coordinators accepting for the same volunteer at once must not overfill them.
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    if not VolunteerRequest.objects.open().filter(pk=request.pk).exists():
        raise ValidationError("This request is not open: it was closed or consent was withdrawn.")
    ranking = rank(request)
    index = ranking.index_of(volunteer.pk)
    if index is None:
        raise ValidationError(
            f"{volunteer.first_name} cannot be proposed for {request.reference}: a hard rule rules them out."
        )
    chosen = ranking.candidate(index)
    note = note.strip()
    top = ranking.top(1)[0]
    if top.score > chosen.score and not note:
        raise ValidationError({"note": "Say why you chose a volunteer who is not top of the ranked list."})
    match = Match(
        request=request,
        volunteer=volunteer,
        state=MatchState.PROPOSED,
        score=chosen.score,
        reasons=chosen.lines,
        shortlist=shortlist_record(ranking, chosen, note or "the coordinator's choice"),
        proposed_by=by,
        approval_note=note,
        proposed_at=timezone.now(),
    )
    match.full_clean()
    match.save()
    audit.record(
        action=AuditAction.CREATE,
        obj=match,
        detail={
            "request": request.reference,
            "volunteer": volunteer.pk,
            "score": chosen.score,
            "rank": ranking.position_of(volunteer.pk),
            "of": len(ranking),
        },
    )
    return match
