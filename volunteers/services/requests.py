"""Requests for a volunteer: made by a practitioner, worked through by the coordinator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core import audit
from core.models import AuditAction
from outbox.services import enqueue_email
from volunteers.models import LIVE_MATCH_STATES, MatchState, RequestStatus, VolunteerRequest

# What a practitioner may set on a request (the rest is the scheme's).
REQUEST_FIELDS = (
    "role",
    "family",
    "child",
    "care_leaver",
    "goals",
    "needs",
    "needs_summary",
    "preferred_gender",
    "preferred_language",
    "preferred_times",
    "interests",
    "remote_ok",
    "wanted_from",
    "expected_weeks",
    "consent_given_by",
    "consent_given_on",
)


def coordinators() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.VOLUNTEER_COORDINATOR.value).order_by("pk").distinct()
    )


@transaction.atomic
def make_request(*, by: User, **fields: Any) -> VolunteerRequest:
    """The caller has checked that `by` may see the family or care leaver (the view's form does)."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"not a request field: {sorted(unknown)}")
    request = VolunteerRequest(requested_by=by, **fields)
    if request.child is not None and request.child.family_id != request.family_id:
        raise ValidationError({"child": "Choose a child of this family."})
    request.full_clean()
    request.save()
    audit.record(action=AuditAction.CREATE, obj=request, detail={"role": request.role})
    return request


def _withdraw_proposals(request: VolunteerRequest, why: str) -> int:
    """A proposal not yet offered is the scheme's own: it goes with the request."""
    return request.matches.filter(state=MatchState.PROPOSED).update(state=MatchState.WITHDRAWN, declined_reason=why)


@transaction.atomic
def withdraw_consent(*, request: VolunteerRequest, by: User, on: dt.date | None = None) -> VolunteerRequest:
    """The family or young person withdrew consent: off the board at once, and the coordinators told."""
    request = VolunteerRequest.objects.select_for_update().get(pk=request.pk)
    if request.consent_withdrawn_on is not None:
        raise ValidationError("Consent has already been withdrawn.")
    request.consent_withdrawn_on = on or timezone.localdate()
    request.full_clean()
    request.save(update_fields=["consent_withdrawn_on", "updated_at"])
    withdrawn = _withdraw_proposals(request, "Consent withdrawn")
    still_live = request.matches.filter(state__in=LIVE_MATCH_STATES).exists()
    link = settings.SITE_URL + reverse("volunteers:request_detail", kwargs={"pk": request.pk})
    for person in coordinators():
        enqueue_email(
            to=[person.email],
            # The reference only: the email leaves Kinfolk.
            template="volunteer_consent_withdrawn",
            context={
                "name": person.get_short_name(),
                "reference": request.reference,
                "link": link,
                "live_match": still_live,
            },
            idempotency_key=f"volunteers:request:{request.pk}:consent-withdrawn:{person.pk}",
        )
    audit.record(
        action=AuditAction.UPDATE,
        obj=request,
        detail={"consent_withdrawn": str(request.consent_withdrawn_on), "proposals_withdrawn": withdrawn},
    )
    return request


@transaction.atomic
def close_request(*, request: VolunteerRequest, by: User, reason: str) -> VolunteerRequest:
    request = VolunteerRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSED:
        raise ValidationError("This request is already closed.")
    if request.matches.filter(state__in=LIVE_MATCH_STATES).exclude(state=MatchState.PROPOSED).exists():
        raise ValidationError("This request has a volunteer offered or matched: end the match first.")
    request.status = RequestStatus.CLOSED
    request.closed_on = timezone.localdate()
    request.close_reason = reason.strip()
    request.full_clean()
    request.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    _withdraw_proposals(request, "Request closed")
    audit.record(action=AuditAction.UPDATE, obj=request, detail={"closed": request.close_reason})
    return request
