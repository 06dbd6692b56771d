"""Preparation: the family network, preparation visits, the children's views and the no-new-news check.

The coordinator (or the FGC manager) does every step here; the views check who may.
The network's details never leave Kinfolk: the one email (the child's views shared
with the referrer) carries the FGC reference and a link only. Audit rows for changes
name the record by id, never by the person's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from core import audit
from core.models import AuditAction
from core.registry import provided
from families.models import Child
from fgc.models import (
    ChildVoice,
    ConferenceAttendance,
    InvitationStatus,
    NetworkMember,
    NoNewNewsCheck,
    PreparationVisit,
    Referral,
    ReferralStatus,
)
from outbox.services import enqueue_email

# A coordinator prepares the family from allocation until the conference (and for a review).
PREPARATION_STATUSES = (
    ReferralStatus.ALLOCATED,
    ReferralStatus.PREPARING,
    ReferralStatus.BOOKED,
    ReferralStatus.HELD,
    ReferralStatus.REVIEW,
)
# The referrer's report is checked before the day, so only until the conference is held.
BEFORE_THE_DAY = (ReferralStatus.ALLOCATED, ReferralStatus.PREPARING, ReferralStatus.BOOKED)
# A visit with someone not yet visited moves them on; later statuses say more and are kept.
MOVED_ON_BY_A_VISIT = (InvitationStatus.TO_CONTACT, InvitationStatus.CONTACTED)

REQUEST_AMBASSADOR = "volunteers.request_fgc_ambassador"
MATCH_SUMMARY = "volunteers.match_summary"
SCHEME_UNAVAILABLE = (
    "The volunteer scheme is not available in Kinfolk here, so an FGC Ambassador cannot be requested "
    "from this page. Ask the volunteer coordinator directly."
)


@dataclass(frozen=True)
class MemberDetails:
    """What the coordinator records about a person in the network."""

    name: str
    relationship: str
    invitation_status: str = InvitationStatus.TO_CONTACT
    phone: str = ""
    email: str = ""
    address: str = ""
    safety_note: str = ""
    interpreter_language: str = ""
    access_needs: str = ""
    childcare_needed: bool = False


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def require_preparing(referral: Referral, *, statuses: tuple[str, ...] = PREPARATION_STATUSES) -> None:
    """Preparation needs a coordinator and consent: a paused, closed or unallocated referral refuses."""
    if referral.status == ReferralStatus.PAUSED:
        raise ValidationError(
            "Consent has been withdrawn, so the work is paused: nothing can be changed until it is given again."
        )
    if referral.coordinator_id is None or referral.status not in statuses:
        raise ValidationError(
            f"This referral is {referral.get_status_display().lower()}: its preparation cannot be changed now."
        )


def _audit(action: str, obj: Any, referral: Referral, **detail: Any) -> None:
    # By id only: the network's names stay out of the audit trail.
    audit.record(
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        detail={"referral": referral.reference, **detail},
    )


def _apply(member: NetworkMember, details: MemberDetails) -> None:
    for field, value in asdict(details).items():
        setattr(member, field, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def add_network_member(*, referral: Referral, by: User, details: MemberDetails) -> NetworkMember:
    referral = _locked(referral)
    require_preparing(referral)
    member = NetworkMember(referral=referral)
    _apply(member, details)
    member.full_clean()
    member.save()
    _audit(AuditAction.CREATE, member, referral)
    return member


@transaction.atomic
def change_network_member(*, member: NetworkMember, by: User, details: MemberDetails) -> NetworkMember:
    referral = _locked(member.referral)
    require_preparing(referral)
    member = NetworkMember.objects.select_for_update().get(pk=member.pk)
    before = member.invitation_status
    _apply(member, details)
    member.full_clean()
    member.save()
    _audit(AuditAction.UPDATE, member, referral, invitation_status=[before, member.invitation_status])
    return member


@transaction.atomic
def remove_network_member(*, member: NetworkMember, by: User) -> None:
    referral = _locked(member.referral)
    require_preparing(referral)
    if ConferenceAttendance.objects.filter(member=member).exists():
        raise ValidationError(
            "This person is in a conference's attendance record, which must stay whole. "
            "Change their invitation status instead."
        )
    _audit(AuditAction.DELETE, member, referral)
    member.delete()


@transaction.atomic
def log_visit(
    *,
    referral: Referral,
    by: User,
    visited_on: dt.date,
    notes: str = "",
    member: NetworkMember | None = None,
    child: Child | None = None,
) -> PreparationVisit:
    """A preparation visit with one person in the network or one of the referral's children."""
    referral = _locked(referral)
    require_preparing(referral)
    if (member is None) == (child is None):
        raise ValidationError({"member": "Choose who the visit was with: one person in the network, or a child."})
    if member is not None and member.referral_id != referral.pk:
        raise ValidationError({"member": "Choose a person in this family's network."})
    if child is not None and not referral.children.filter(pk=child.pk).exists():
        raise ValidationError({"member": "Choose a child this conference is about."})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "The date of the visit must be today or earlier."})
    if visited_on < timezone.localtime(referral.received_at).date():
        raise ValidationError({"visited_on": "The date of the visit cannot be before the referral arrived."})
    visit = PreparationVisit(
        referral=referral, member=member, child=child, visited_on=visited_on, notes=notes.strip(), by=by
    )
    visit.full_clean()
    visit.save()
    if member is not None and member.invitation_status in MOVED_ON_BY_A_VISIT:
        member.invitation_status = InvitationStatus.VISITED
        member.save(update_fields=["invitation_status"])
    _audit(AuditAction.CREATE, visit, referral)
    return visit


def _child_of(referral: Referral, child: Child) -> None:
    if not referral.children.filter(pk=child.pk).exists():
        raise ValidationError("This child is not one the conference is about.")


def _voice_for_update(referral: Referral, child: Child) -> ChildVoice:
    voice, _created = ChildVoice.objects.get_or_create(referral=referral, child=child)
    return ChildVoice.objects.select_for_update().get(pk=voice.pk)


@transaction.atomic
def record_child_voice(
    *,
    referral: Referral,
    child: Child,
    by: User,
    participation: str,
    views: str,
    spoken_by_ambassador: bool = False,
) -> ChildVoice:
    """The child's participation and views; a change after sharing must be shared again."""
    referral = _locked(referral)
    require_preparing(referral)
    _child_of(referral, child)
    voice = _voice_for_update(referral, child)
    if spoken_by_ambassador and voice.ambassador_request_id is None:
        raise ValidationError(
            {"spoken_by_ambassador": "Request an FGC Ambassador first: the child chose one to speak for them."}
        )
    changed = (voice.participation, voice.views.strip(), voice.spoken_by_ambassador) != (
        participation,
        views.strip(),
        spoken_by_ambassador,
    )
    voice.participation = participation
    voice.views = views.strip()
    voice.spoken_by_ambassador = spoken_by_ambassador
    if changed:
        voice.shared_at = None
    voice.full_clean()
    voice.save()
    _audit(AuditAction.UPDATE, voice, referral, shared_again_needed=changed)
    return voice


def preparation_link(referral: Referral) -> str:
    return settings.SITE_URL + reverse("fgc:preparation", kwargs={"pk": referral.pk})


@transaction.atomic
def share_child_voice(*, voice: ChildVoice, by: User) -> ChildVoice:
    """The child's views reach the referrer before the day: recorded, and the referrer emailed a link."""
    referral = _locked(voice.referral)
    require_preparing(referral)
    voice = ChildVoice.objects.select_for_update().get(pk=voice.pk)
    if not voice.views.strip():
        raise ValidationError("Record the child's views before sharing them.")
    if voice.shared_at is not None:
        raise ValidationError("These views have already been shared with the referrer.")
    voice.shared_at = timezone.now()
    voice.save(update_fields=["shared_at"])
    referrer = referral.referred_by
    enqueue_email(
        to=[referrer.email],
        template="fgc_referral_update",
        context={
            "name": referrer.full_name,
            "reference": referral.reference,
            "headline": f"A child's views for {referral.reference} have been shared with you.",
            "detail": "Please read them before the conference.",
            "link": preparation_link(referral),
        },
        idempotency_key=f"fgc:{referral.pk}:voice-shared:{voice.pk}:{voice.shared_at:%Y%m%d%H%M%S%f}",
    )
    _audit(AuditAction.UPDATE, voice, referral, shared_with=referrer.pk)
    return voice


def ambassador_scheme_available() -> bool:
    return provided(REQUEST_AMBASSADOR) is not None


def _needs_summary(referral: Referral) -> str:
    # Plain words only: the volunteer scheme sees no case detail, so no names and no reasons.
    parts = [f"Help a child prepare for and take part in their Family Group Conference ({referral.reference})"]
    if referral.key_date:
        parts.append(f"before {date_format(referral.key_date, 'j F Y')}")
    summary = " ".join(parts) + "."
    if referral.interpreter_language:
        summary += f" The family speaks {referral.interpreter_language}."
    return summary


@transaction.atomic
def request_ambassador(*, referral: Referral, child: Child, by: User) -> ChildVoice:
    """Ask the volunteer scheme for an FGC Ambassador for this child, in one step; keep the request's id."""
    referral = _locked(referral)
    require_preparing(referral, statuses=BEFORE_THE_DAY)
    _child_of(referral, child)
    service = provided(REQUEST_AMBASSADOR)
    if service is None:
        raise ValidationError(SCHEME_UNAVAILABLE)
    voice = _voice_for_update(referral, child)
    if voice.ambassador_request_id is not None:
        raise ValidationError("An FGC Ambassador has already been requested for this child.")
    # The volunteer scheme writes its request in this transaction: if saving the id fails, it is undone too.
    voice.ambassador_request_id = service(
        child_id=child.pk,
        family_id=referral.family_id,
        requested_by=by,
        needs_summary=_needs_summary(referral),
        wanted_from=timezone.localdate(),
        reference=referral.reference,
    )
    voice.full_clean()
    voice.save(update_fields=["ambassador_request_id"])
    _audit(AuditAction.UPDATE, voice, referral, ambassador_request=voice.ambassador_request_id)
    return voice


def ambassador_match(voice: ChildVoice) -> dict[str, str] | None:
    """The volunteer scheme's word on the request: {"state", "volunteer_first_name", "reference"}, or None."""
    if voice.ambassador_request_id is None:
        return None
    summary = provided(MATCH_SUMMARY)
    if summary is None:
        return None
    found: dict[str, str] | None = summary(request_id=voice.ambassador_request_id)
    return found


@transaction.atomic
def record_no_new_news(*, referral: Referral, by: User, note: str = "") -> NoNewNewsCheck:
    """The coordinator has checked that the referrer's report holds nothing the family has not heard."""
    referral = _locked(referral)
    require_preparing(referral, statuses=BEFORE_THE_DAY)
    check = NoNewNewsCheck.objects.filter(referral=referral).first() or NoNewNewsCheck(referral=referral)
    check.checked_by, check.checked_at, check.note = by, timezone.now(), note.strip()
    check.full_clean()
    check.save()
    _audit(AuditAction.UPDATE, check, referral)
    return check
