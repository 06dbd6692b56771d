"""Answers to invitations: signed response links and recording an attendee's answer.

A response link is a signed token naming the attendee, the answer and the version
(SEQUENCE) it was sent for; it never signs anyone in. The same `record_response`
takes answers from links, from the diary page and from calendar replies (itip.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditAction
from diary.models import AttendeeResponse, Meeting, MeetingAttendee
from diary.reminders import sync_meeting_reminders

RESPONSE_SALT = "kinfolk.meeting-response"
ANSWERS = (
    AttendeeResponse.ACCEPTED,
    AttendeeResponse.TENTATIVE,
    AttendeeResponse.DECLINED,
)


class ResponseRefused(ValidationError):
    """A response that cannot be recorded: stale, from a removed attendee, or for a cancelled meeting."""


def response_link_expiry(meeting: Meeting) -> dt.datetime:
    """When a response link for this version of the meeting stops working: its end plus a margin.

    Meetings are diarised up to a year ahead, so a fixed lifetime would expire
    links before the meeting; tying it to the meeting's end does not.
    """
    return meeting.end + dt.timedelta(hours=settings.KINFOLK_RESPONSE_LINK_GRACE_HOURS)


def response_token(attendee: MeetingAttendee, response: str, *, sequence: int | None = None) -> str:
    meeting = attendee.meeting
    payload = {
        "a": attendee.pk,
        "r": response,
        "s": meeting.sequence if sequence is None else sequence,
        # Signed with the rest: the link cannot be stretched past this moment.
        "e": int(response_link_expiry(meeting).timestamp()),
    }
    return signing.dumps(payload, salt=RESPONSE_SALT, compress=True)


@dataclass(frozen=True)
class ResponseLink:
    attendee: MeetingAttendee
    response: str
    sequence: int


def read_response_token(token: str) -> ResponseLink | None:
    """The attendee and answer a link names, or None if it is forged, expired or not for a live place.

    A link works until the end of the meeting it was sent for (plus
    KINFOLK_RESPONSE_LINK_GRACE_HOURS), and never after the meeting as it now
    stands has ended (plus the same margin).
    """
    try:
        payload = signing.loads(token, salt=RESPONSE_SALT)
        attendee_id, response, sequence, expires = (
            int(payload["a"]),
            str(payload["r"]),
            int(payload["s"]),
            int(payload["e"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    now = timezone.now()
    if response not in ANSWERS or now.timestamp() > expires:
        return None
    attendee = MeetingAttendee.objects.select_related("meeting", "meeting__team").filter(pk=attendee_id).first()
    if attendee is None or now > response_link_expiry(attendee.meeting):
        return None
    return ResponseLink(attendee=attendee, response=response, sequence=sequence)


def response_links(meeting: Meeting, attendee: MeetingAttendee) -> dict[str, str]:
    return {
        str(answer): settings.SITE_URL
        + reverse(
            "diary:meeting_response",
            kwargs={"token": response_token(attendee, answer, sequence=meeting.sequence)},
        )
        for answer in ANSWERS
    }


@transaction.atomic
def record_response(*, attendee: MeetingAttendee, response: str, sequence: int | None = None) -> MeetingAttendee:
    """Record an attendee's answer. `sequence` is the version they answered, if known."""
    if response not in ANSWERS:
        raise ValidationError(f"{response!r} is not an answer to an invitation.")
    locked = MeetingAttendee.objects.select_for_update().get(pk=attendee.pk)
    meeting = Meeting.objects.get(pk=locked.meeting_id)
    if meeting.is_cancelled:
        raise ResponseRefused("This meeting has been cancelled.", code="cancelled")
    if locked.removed_at is not None:
        raise ResponseRefused("This person is no longer invited to the meeting.", code="removed")
    if sequence is not None and sequence < meeting.sequence:
        raise ResponseRefused("This answers an earlier version of the invitation.", code="stale")
    if sequence is not None and sequence > meeting.sequence:
        # No version this high was ever sent: the reply is forged or for another system's event.
        raise ResponseRefused("This answers a version of the invitation that was never sent.", code="ahead")
    locked.response = response
    locked.responded_at = timezone.now()
    locked.response_sequence = meeting.sequence if sequence is None else sequence
    locked.save(update_fields=["response", "responded_at", "response_sequence"])
    audit.record(
        action=AuditAction.UPDATE,
        obj=meeting,
        detail={"attendee": locked.pk, "response": response},
    )
    sync_meeting_reminders(meeting)
    attendee.refresh_from_db()
    return attendee
