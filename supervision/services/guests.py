"""Guests: a professional from outside the group invited to one session."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from diary import services as diary
from supervision.models import SessionGuest, SupervisionSession
from supervision.services.common import attendee_specs, invitees, lock_session


def _invitable(session: SupervisionSession) -> None:
    if session.is_cancelled or session.meeting is None:
        raise ValidationError("This session has been cancelled.")
    if session.end < timezone.now():
        raise ValidationError("This session is over, so nobody more can be invited.")


def _send(session: SupervisionSession) -> None:
    assert session.meeting is not None  # checked by _invitable
    diary.set_attendees(meeting=session.meeting, attendees=attendee_specs(session, invitees(session.group)))


@transaction.atomic
def invite_guest(
    *, session: SupervisionSession, name: str, email: str, role: str, organisation: str = "", by: User
) -> SessionGuest:
    """Invite someone from outside the group to this session only; the invite goes through the diary.

    They are recorded in the attendance and the minutes with their role. The
    invitation names no family: it links to the session in Kinfolk, as every invite does.
    """
    session = lock_session(session.pk)
    _invitable(session)
    email = email.strip().lower()
    if email in {person.email.lower() for person in invitees(session.group)}:
        raise ValidationError({"email": "This person is already invited to the group's sessions."})
    if session.guests.filter(email__iexact=email).exists():
        raise ValidationError({"email": "This person is already invited to the session."})
    guest = SessionGuest(
        session=session,
        name=name.strip(),
        email=email,
        role=role.strip(),
        organisation=organisation.strip(),
        invited_by=by,
    )
    guest.full_clean()
    guest.save()
    _send(session)
    audit.record(action=AuditAction.CREATE, obj=guest, detail={"session": session.pk})
    return guest


@transaction.atomic
def remove_guest(*, guest: SessionGuest, by: User) -> None:
    """Withdraw a guest's invitation: the diary sends them a cancellation."""
    session = lock_session(guest.session_id)
    _invitable(session)
    audit.record(action=AuditAction.DELETE, obj=guest, detail={"session": session.pk})
    guest.delete()
    _send(session)
