"""Demo only: the FGC demo's ambassador request matched, offered and accepted, as the scheme would do it.

The FGC demo runs after this app's (INSTALLED_APPS order), so its request for an FGC
Ambassador cannot be matched by this app's own demo: it asks by name
("volunteers.demo_match_fgc_ambassador") once it has made the request. Through the
matching and lifecycle services, so every rule of a real match holds.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from volunteers.matching.ranking import rank
from volunteers.models import Match, Volunteer, VolunteerRequest, VolunteerRole
from volunteers.services import lifecycle
from volunteers.services.matching import propose_match

COORDINATOR = "volunteers@kinfolk.test"


@transaction.atomic
def match_fgc_ambassador(*, request_id: int) -> bool:
    """Match the best-ranked FGC Ambassador to the request and accept for them; False if none can be."""
    request = VolunteerRequest.objects.filter(pk=request_id, role=VolunteerRole.FGC).first()
    coordinator = User.objects.filter(email=COORDINATOR).first()
    if request is None or coordinator is None or Match.objects.live().filter(request=request).exists():
        return False
    ranking = rank(request)
    if not len(ranking):
        return False
    best = ranking.top(1)[0]
    match = propose_match(
        request=request, volunteer=Volunteer.objects.get(pk=best.volunteer_id), by=coordinator, note=""
    )
    match = lifecycle.offer_match(match=match, by=coordinator)
    volunteer = match.volunteer
    lifecycle.accept_offer(match=match, by=volunteer.user or coordinator)
    return True
