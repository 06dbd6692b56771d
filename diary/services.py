"""Meeting services: every change of a meeting, with its invites and reminders.

Each service runs in one transaction that also writes the emails it causes to
the outbox and moves the reminders, so a rolled-back change sends nothing and a
committed one never lacks its emails. SEQUENCE rises on every change of time,
place, attendees or status, and every current attendee is sent the new version
(RFC 5546: their calendar must hold the latest SEQUENCE).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from core import audit
from core.localtime import timing_problem
from core.models import AuditAction
from diary import ical
from diary.models import AttendeeResponse, Meeting, MeetingAttendee, MeetingStatus
from diary.reminders import ReminderRule, sync_meeting_reminders, validate_meeting_rules
from diary.responses import response_links
from outbox.services import enqueue_email


@dataclass(frozen=True)
class AttendeeSpec:
    user: User | None = None
    email: str = ""
    name: str = ""
    required: bool = True

    @property
    def address(self) -> str:
        return (self.email or (self.user.email if self.user else "")).strip().lower()

    @property
    def display_name(self) -> str:
        # Only staff users are ever named in invites; an external attendee's name
        # stays in Kinfolk.
        return self.name or (self.user.get_full_name() if self.user else "")


# --- Emails -----------------------------------------------------------------------------


def _email_context(meeting: Meeting, attendee: MeetingAttendee, **extra: Any) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "recipient_name": attendee.name if attendee.is_staff_attendee else "",
        "link": meeting.link_url,
        **extra,
    }


def _send_request(
    meeting: Meeting,
    current: Sequence[MeetingAttendee],
    recipient: MeetingAttendee,
    reason_given: bool,
) -> None:
    enqueue_email(
        to=[recipient.email],
        template="meeting_invite" if meeting.sequence == 0 else "meeting_update",
        context=_email_context(meeting, recipient, links=response_links(meeting, recipient), reason_given=reason_given),
        idempotency_key=f"meeting:{meeting.uid}:seq{meeting.sequence}:request:{recipient.email.lower()}",
        calendar=ical.build_request(meeting, current, recipient=recipient),
    )


def _send_cancel(
    meeting: Meeting,
    listed: Sequence[MeetingAttendee],
    recipient: MeetingAttendee,
    *,
    template: str,
    reason_given: bool,
) -> None:
    enqueue_email(
        to=[recipient.email],
        template=template,
        context=_email_context(meeting, recipient, reason_given=reason_given),
        idempotency_key=f"meeting:{meeting.uid}:seq{meeting.sequence}:cancel:{recipient.email.lower()}",
        calendar=ical.build_cancel(meeting, listed, recipient=recipient),
    )


def _send_requests_to_all(meeting: Meeting, *, reason_given: bool = False) -> None:
    current = list(meeting.attendees.current().select_related("user"))
    for attendee in current:
        _send_request(meeting, current, attendee, reason_given)


# --- Services ------------------------------------------------------------------------------


def check_times(start: dt.datetime, end: dt.datetime) -> None:
    for name, moment in (("start", start), ("end", end)):
        # A naive time, or a London time the clocks skip or repeat, is not one instant.
        problem = timing_problem(moment)
        if problem is not None:
            raise ValidationError({name: problem})
    if end <= start:
        raise ValidationError({"end": "The meeting must end after it starts."})


@contextmanager
def _restored_on_error(meeting: Meeting) -> Iterator[None]:
    """Put the caller's instance back as it was if the change fails.

    The transaction rolls back the row, but not the Python object the caller
    holds: without this, a refused reschedule would leave it with the new
    times and a raised SEQUENCE that the database never had.
    """
    saved = {field.attname: getattr(meeting, field.attname) for field in meeting._meta.concrete_fields}
    try:
        yield
    except BaseException:
        for name, value in saved.items():
            setattr(meeting, name, value)
        raise


def _lock(meeting: Meeting) -> Meeting:
    """Lock the row and bring the caller's instance up to date, so concurrent changes queue."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").first()
    meeting.refresh_from_db()
    return meeting


def make_attendee(meeting: Meeting, spec: AttendeeSpec) -> MeetingAttendee:
    attendee = MeetingAttendee(
        meeting=meeting,
        user=spec.user,
        email=spec.address,
        name=spec.display_name if spec.user else "",
        required=spec.required,
    )
    attendee.full_clean(exclude=["meeting"], validate_constraints=False)
    return attendee


def check_specs(attendees: Sequence[AttendeeSpec]) -> None:
    addresses = [spec.address for spec in attendees]
    if any(not address for address in addresses):
        raise ValidationError({"attendees": "Every attendee needs an email address."})
    if len(addresses) != len(set(addresses)):
        raise ValidationError({"attendees": "An attendee is listed twice."})


@transaction.atomic
def schedule_meeting(
    *,
    kind: str,
    title: str,
    organiser: User,
    start: dt.datetime,
    end: dt.datetime,
    link_path: str,
    team: Team | None = None,
    location: str = "",
    online_url: str = "",
    case_references: str = "",
    attendees: Sequence[AttendeeSpec] = (),
    reminder_rules: Sequence[ReminderRule] = (),
    description: str = "",
) -> Meeting:
    """Create a meeting, invite its attendees and schedule its reminders."""
    check_times(start, end)
    check_specs(attendees)
    rules = validate_meeting_rules(reminder_rules)
    meeting = Meeting(
        kind=kind,
        title=title.strip(),
        organiser=organiser,
        start=start,
        end=end,
        link_path=link_path,
        team=team,
        location=location.strip(),
        online_url=online_url.strip(),
        case_references=", ".join(ref.strip() for ref in case_references.split(",") if ref.strip()),
        description=description.strip(),
        reminder_rules=[rule.as_json() for rule in rules],
    )
    meeting.full_clean()
    meeting.save()
    created = [make_attendee(meeting, spec) for spec in attendees]
    for attendee in created:
        attendee.save()
    audit.record(
        action=AuditAction.CREATE,
        obj=meeting,
        detail={"uid": meeting.uid, "attendees": len(created)},
    )
    for attendee in created:
        _send_request(meeting, created, attendee, reason_given=False)
    sync_meeting_reminders(meeting)
    return meeting


def reschedule_meeting(
    *,
    meeting: Meeting,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    location: str | None = None,
    online_url: str | None = None,
    reason: str = "",
) -> Meeting:
    """Move a meeting or change its place. Nothing changed, nothing sent.

    A change of time asks everyone to answer again (their PARTSTAT returns to
    NEEDS-ACTION), as Outlook and Google do. If it fails, the caller's instance
    is left as it was. The `reason` is kept on the meeting (replacing any
    earlier one) for Kinfolk's pages; the emails only say that there is one.
    """
    with _restored_on_error(meeting):
        return _reschedule(
            meeting=meeting, start=start, end=end, location=location, online_url=online_url, reason=reason
        )


@transaction.atomic
def _reschedule(
    *,
    meeting: Meeting,
    start: dt.datetime | None,
    end: dt.datetime | None,
    location: str | None,
    online_url: str | None,
    reason: str,
) -> Meeting:
    _lock(meeting)
    if meeting.is_cancelled:
        raise ValidationError("A cancelled meeting cannot be moved.")
    new_start = start if start is not None else meeting.start
    new_end = end if end is not None else meeting.end
    check_times(new_start, new_end)
    before = {
        "start": meeting.start,
        "end": meeting.end,
        "location": meeting.location,
        "online_url": meeting.online_url,
    }
    after = {
        "start": new_start,
        "end": new_end,
        "location": meeting.location if location is None else location.strip(),
        "online_url": meeting.online_url if online_url is None else online_url.strip(),
    }
    changed = {name: value for name, value in after.items() if before[name] != value}
    if not changed:
        return meeting
    # Validate a copy first, so a refused change never touches the instance.
    candidate = copy.copy(meeting)
    for name, value in changed.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    for name, value in changed.items():
        setattr(meeting, name, value)
    meeting.reason = reason.strip()[:250]
    meeting.sequence += 1
    meeting.save()
    if "start" in changed or "end" in changed:
        meeting.attendees.current().exclude(response=AttendeeResponse.NEEDS_ACTION).update(
            response=AttendeeResponse.NEEDS_ACTION,
            responded_at=None,
            response_sequence=None,
        )
    audit.record(
        action=AuditAction.UPDATE,
        obj=meeting,
        detail={
            "changed": sorted(changed),
            "sequence": meeting.sequence,
            # Whether, not what: a typed reason may name someone, and audit rows are kept for ever.
            "reason_given": bool(reason.strip()),
        },
    )
    _send_requests_to_all(meeting, reason_given=bool(meeting.reason))
    sync_meeting_reminders(meeting)
    return meeting


def cancel_meeting(*, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancel for everyone: METHOD:CANCEL to each current attendee, reminders withdrawn.

    The `reason` is kept on the meeting for Kinfolk's pages; the emails only say that there is one.
    """
    with _restored_on_error(meeting):
        return _cancel(meeting=meeting, reason=reason)


@transaction.atomic
def _cancel(*, meeting: Meeting, reason: str) -> Meeting:
    _lock(meeting)
    if meeting.is_cancelled:
        return meeting
    meeting.status = MeetingStatus.CANCELLED
    meeting.reason = reason.strip()[:250]
    meeting.sequence += 1
    meeting.save()
    audit.record(
        action=AuditAction.UPDATE,
        obj=meeting,
        detail={"cancelled": True, "reason_given": bool(reason.strip())},
    )
    current = list(meeting.attendees.current().select_related("user"))
    for attendee in current:
        _send_cancel(meeting, current, attendee, template="meeting_cancelled", reason_given=bool(meeting.reason))
    sync_meeting_reminders(meeting)
    return meeting


def set_attendees(*, meeting: Meeting, attendees: Sequence[AttendeeSpec]) -> None:
    """Make the attendee list equal to `attendees` (matched by email address)."""
    with _restored_on_error(meeting):
        _set_attendees(meeting=meeting, attendees=attendees)


@transaction.atomic
def _set_attendees(*, meeting: Meeting, attendees: Sequence[AttendeeSpec]) -> None:
    _lock(meeting)
    if meeting.is_cancelled:
        raise ValidationError("A cancelled meeting's attendees cannot be changed.")
    check_specs(attendees)
    existing = {a.email.lower(): a for a in meeting.attendees.all()}
    wanted = {spec.address: spec for spec in attendees}
    now = timezone.now()
    added: list[MeetingAttendee] = []
    changed: list[MeetingAttendee] = []
    removed = [a for email, a in existing.items() if a.removed_at is None and email not in wanted]
    for email, spec in wanted.items():
        attendee = existing.get(email)
        if attendee is None:
            attendee = make_attendee(meeting, spec)
            attendee.save()
            added.append(attendee)
        elif attendee.removed_at is not None:
            attendee.removed_at = None
            attendee.required = spec.required
            attendee.user = spec.user or attendee.user
            attendee.response, attendee.responded_at, attendee.response_sequence = (
                AttendeeResponse.NEEDS_ACTION,
                None,
                None,
            )
            attendee.save()
            added.append(attendee)
        elif attendee.required != spec.required:
            attendee.required = spec.required
            attendee.save(update_fields=["required"])
            changed.append(attendee)
    if not (added or removed or changed):
        return
    meeting.sequence += 1
    meeting.save()
    for attendee in removed:
        attendee.removed_at = now
        attendee.save(update_fields=["removed_at"])
        # Their own CANCEL lists only them: the meeting goes on without them.
        _send_cancel(meeting, [attendee], attendee, template="meeting_removed", reason_given=False)
    audit.record(
        action=AuditAction.UPDATE,
        obj=meeting,
        detail={
            "attendees_added": len(added),
            "attendees_removed": len(removed),
            "sequence": meeting.sequence,
        },
    )
    _send_requests_to_all(meeting)
    sync_meeting_reminders(meeting)


@transaction.atomic
def change_organiser(*, meeting: Meeting, organiser: User) -> Meeting:
    """Hand a meeting to another organiser; everyone's calendar shows the new name.

    The ORGANIZER address stays the shared mailbox (replies must reach it); its
    CN names the staff member, so the change is a new SEQUENCE sent to all.
    """
    _lock(meeting)
    if meeting.organiser_id == organiser.pk or meeting.is_cancelled:
        return meeting
    meeting.organiser = organiser
    meeting.sequence += 1
    meeting.save()
    audit.record(
        action=AuditAction.UPDATE, obj=meeting, detail={"changed": ["organiser"], "sequence": meeting.sequence}
    )
    _send_requests_to_all(meeting)
    sync_meeting_reminders(meeting)
    return meeting


@transaction.atomic
def set_reminder_rules(*, meeting: Meeting, reminder_rules: Sequence[ReminderRule]) -> None:
    _lock(meeting)
    meeting.reminder_rules = [rule.as_json() for rule in validate_meeting_rules(reminder_rules)]
    meeting.save(update_fields=["reminder_rules", "updated_at"])
    sync_meeting_reminders(meeting)
