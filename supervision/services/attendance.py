"""Responses to invitations, nudges, and who actually came."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from diary.models import AttendeeResponse, MeetingAttendee
from diary.responses import record_response
from outbox.models import OutboxMessage
from outbox.services import enqueue_email
from supervision.models import Attendance, AttendanceStatus, GroupMember, SupervisionSession
from supervision.services.common import invitees, lock_session, session_email_context

UNCONFIRMED = (AttendeeResponse.NEEDS_ACTION, AttendeeResponse.TENTATIVE)


def _attendee(session: SupervisionSession, user: User) -> MeetingAttendee:
    if session.meeting is None:
        raise ValidationError("This session has no diary entry.")
    attendee = session.meeting.attendees.current().filter(user=user).first()
    if attendee is None:
        raise ValidationError("You are not invited to this session.")
    return attendee


@transaction.atomic
def respond_in_app(*, session: SupervisionSession, user: User, response: str) -> MeetingAttendee:
    """The same answer as the links in the invite, given on the session page."""
    if response not in {AttendeeResponse.ACCEPTED, AttendeeResponse.TENTATIVE, AttendeeResponse.DECLINED}:
        raise ValidationError({"response": "Choose whether you can come."})
    return record_response(attendee=_attendee(session, user), response=response)


@transaction.atomic
def nudge_unconfirmed(*, session: SupervisionSession, by: User) -> int:
    """Email everyone invited who has not accepted or declined. At most once a day per person.

    Returns how many were emailed now: those already nudged today are not counted.
    """
    if session.is_cancelled or session.meeting is None:
        raise ValidationError("This session has been cancelled.")
    if session.start < timezone.now():
        raise ValidationError("This session has already started.")
    today = timezone.localdate().isoformat()
    context = session_email_context(session)
    nudged = 0
    for attendee in session.meeting.attendees.current().filter(response__in=UNCONFIRMED):
        key = f"gcs:session:{session.pk}:nudge:{today}:{attendee.email.lower()}"
        if OutboxMessage.objects.filter(idempotency_key=key).exists():
            continue
        enqueue_email(
            to=[attendee.email], template="gcs_nudge", context={**context, "name": attendee.name}, idempotency_key=key
        )
        nudged += 1
    audit.record(action=AuditAction.UPDATE, obj=session, detail={"nudged": nudged})
    return nudged


@transaction.atomic
def record_attendance(
    *,
    session: SupervisionSession,
    statuses: Mapping[int, str],
    by: User,
    guest_statuses: Mapping[int, str] | None = None,
) -> list[Attendance]:
    """Record who was present, who sent apologies and who did not come (user id → status).

    `guest_statuses` (guest id → status) records the session's guests, who have no account.
    """
    session = lock_session(session.pk)
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.minutes_locked:
        raise ValidationError("The minutes have been submitted, so attendance is fixed.")
    if timezone.localtime(session.start).date() > timezone.localdate():
        raise ValidationError("Attendance is recorded on the day of the session.")
    people = {user.pk: user for user in invitees(session.group)}
    disciplines = dict(GroupMember.objects.filter(group=session.group).values_list("user_id", "discipline"))
    recorded: list[Attendance] = []
    for user_id, status in statuses.items():
        if user_id not in people:
            raise ValidationError("Attendance can only be recorded for people invited to the session.")
        if status not in AttendanceStatus.values:
            raise ValidationError("Choose present, apologies or absent for each person.")
        row, _ = Attendance.objects.update_or_create(
            session=session,
            user=people[user_id],
            defaults={
                "status": status,
                "discipline": disciplines.get(user_id, ""),
                "recorded_by": by,
                "recorded_at": timezone.now(),
            },
        )
        recorded.append(row)
    guests = {guest.pk: guest for guest in session.guests.all()}
    for guest_id, status in (guest_statuses or {}).items():
        if guest_id not in guests or status not in AttendanceStatus.values:
            raise ValidationError("Choose present, apologies or absent for each guest.")
        guests[guest_id].attendance = status
        guests[guest_id].save(update_fields=["attendance"])
    audit.record(
        action=AuditAction.UPDATE,
        obj=session,
        detail={
            "attendance": {str(k): v for k, v in statuses.items()},
            "guests": {str(k): v for k, v in (guest_statuses or {}).items()},
        },
    )
    return recorded
