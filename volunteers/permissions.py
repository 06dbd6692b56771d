"""Who may see and do what in the volunteer scheme.

- Volunteer coordinators run the scheme: every volunteer, request and match; of a
  family only what matching needs (the request), never the family's record.
- Practitioners see the requests they made and those for families or care leavers
  they may see under the families app's rules, and the matches on them.
- A volunteer sees only their own record and their own live matches (first names,
  area and the needs summary): access to a family ends the moment a match ends.

An object the user may not see answers 404; one they may see but not change, 403.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role
from accounts.permissions import is_active_user
from families.permissions import care_leavers_visible_to, families_visible_to
from volunteers.models import Contact, Match, MatchState, Volunteer, VolunteerRequest


def runs_scheme(user: Any) -> bool:
    """A volunteer coordinator."""
    return is_active_user(user) and Role.VOLUNTEER_COORDINATOR.value in user.role_names


def makes_requests(user: Any) -> bool:
    """Practitioners and managers ask for volunteers for the families they work with."""
    return is_active_user(user) and bool(user.role_names & {Role.PRACTITIONER.value, Role.MANAGER.value})


def volunteer_of(user: Any) -> Volunteer | None:
    """The volunteer record behind a volunteer's account, if they are one and have not left."""
    if not is_active_user(user) or Role.VOLUNTEER.value not in user.role_names:
        return None
    return Volunteer.objects.current().filter(user=user).first()


# -- volunteers ---------------------------------------------------------------------------


def volunteers_visible_to(user: Any) -> QuerySet[Volunteer]:
    if runs_scheme(user):
        return Volunteer.objects.all()
    return Volunteer.objects.none()


def get_volunteer_for_user(user: Any, pk: int) -> Volunteer:
    """A coordinator's view of a volunteer; a volunteer reaches their own through the portal."""
    return get_object_or_404(volunteers_visible_to(user), pk=pk)


# -- requests -------------------------------------------------------------------------------


def requests_visible_to(user: Any) -> QuerySet[VolunteerRequest]:
    if runs_scheme(user):
        return VolunteerRequest.objects.all()
    if not makes_requests(user):
        return VolunteerRequest.objects.none()
    condition = (
        Q(requested_by=user)
        | Q(family__in=families_visible_to(user).values("pk"))
        | Q(care_leaver__in=care_leavers_visible_to(user).values("pk"))
    )
    return VolunteerRequest.objects.filter(condition)


def get_request_for_user(user: Any, pk: int, *, write: bool = False) -> VolunteerRequest:
    """404 if the user may not see it; 403 if they may see it but not change it.

    The coordinator and the practitioner who may see the family or young person may
    change a request (withdraw consent, close it).
    """
    request = get_object_or_404(requests_visible_to(user), pk=pk)
    if write and not (runs_scheme(user) or makes_requests(user)):
        raise PermissionDenied
    return request


# -- matches --------------------------------------------------------------------------------


def matches_visible_to(user: Any) -> QuerySet[Match]:
    if runs_scheme(user):
        return Match.objects.all()
    volunteer = volunteer_of(user)
    if volunteer is not None:
        # Only what is theirs, and only while it lasts: an ended match shows nothing more.
        return Match.objects.filter(volunteer=volunteer, state__in=VOLUNTEER_SEES_STATES)
    return Match.objects.filter(request__in=requests_visible_to(user))


# A proposal is the coordinator's until offered; once a match ends, or never started,
# the volunteer sees nothing more of the family.
VOLUNTEER_SEES_STATES = (
    MatchState.OFFERED,
    MatchState.ACCEPTED,
    MatchState.CONFIRMED,
    MatchState.INTRODUCED,
    MatchState.ACTIVE,
)


def get_match_for_user(user: Any, pk: int) -> Match:
    return get_object_or_404(matches_visible_to(user).select_related("request", "volunteer"), pk=pk)


# -- a volunteer's own contacts, for their expenses ----------------------------------------


def get_own_contacts(user: Any, pks: Collection[int]) -> list[Contact]:
    """The volunteer's own contacts with these ids, whatever their match's state now; 404 if any is not.

    The miles of a contact are the volunteer's to claim after the match has ended:
    a contact's date, kind and miles say nothing of the family.
    """
    volunteer = volunteer_of(user)
    if volunteer is None or not pks:
        raise Http404
    wanted = set(pks)
    own = list(Contact.objects.filter(pk__in=wanted, match__volunteer=volunteer))
    if len(own) != len(wanted):
        raise Http404
    return own


# Rules for templates ({% has_perm %}) and for code that holds an object already.
rules.add_perm("volunteers.run_scheme", rules.predicate(runs_scheme))
rules.add_perm("volunteers.make_requests", rules.predicate(makes_requests))
