"""Ingesting calendar replies (iTIP METHOD:REPLY) sent to the organiser mailbox.

When an attendee presses Accept/Tentative/Decline in Outlook, Google Calendar or
Apple Calendar, their client emails a METHOD:REPLY to the ORGANIZER address. A
reply counts only when its UID names a meeting, its ATTENDEE is a current
attendee, the email's From address is that attendee, and its SEQUENCE is not
older than the meeting's. Anything else is logged and ignored.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError

from core.diary import PARTSTAT_TO_RESPONSE, ReplyItem, parse_reply
from core.meetings import ANSWERS, ResponseRefused, record_response
from core.models import Meeting, MeetingAttendee

logger = logging.getLogger(__name__)

CALENDAR_TYPES = {"text/calendar", "application/ics", "application/octet-stream"}


@dataclass(frozen=True)
class ReplyOutcome:
    uid: str
    attendee_email: str
    outcome: str  # recorded, unknown-meeting, unknown-attendee, unknown-sender, stale, refused, not-an-answer


def calendar_parts(message: EmailMessage) -> list[bytes]:
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if content_type in {"text/calendar", "application/ics"} or filename.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload:
                parts.append(payload)
    return parts


def _refusal(item: ReplyItem, sender: str) -> tuple[str | None, MeetingAttendee | None]:
    meeting = Meeting.objects.filter(uid=item.uid).first()
    attendee = meeting.attendees.current().filter(email__iexact=item.attendee_email).first() if meeting else None
    if meeting is None:
        return "unknown-meeting", None
    if attendee is None:
        return "unknown-attendee", None
    if sender != attendee.email.lower():
        return "unknown-sender", None
    if PARTSTAT_TO_RESPONSE.get(item.partstat) not in ANSWERS:
        return "not-an-answer", None
    return None, attendee


def _apply(item: ReplyItem, sender: str) -> str:
    refusal, attendee = _refusal(item, sender)
    if refusal is not None or attendee is None:
        return refusal or "unknown-attendee"
    try:
        record_response(attendee=attendee, response=PARTSTAT_TO_RESPONSE[item.partstat], sequence=item.sequence)
    except ResponseRefused as exc:
        return "stale" if exc.code == "stale" else "refused"
    except ValidationError:
        return "refused"
    return "recorded"


def ingest_reply_message(raw: bytes) -> list[ReplyOutcome]:
    """Apply every attendee answer in one raw RFC 822 message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default always builds EmailMessage
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    outcomes: list[ReplyOutcome] = []
    seen: set[ReplyItem] = set()
    for data in calendar_parts(message):
        try:
            items = parse_reply(data)
        except ValueError:
            logger.warning("Ignored an unreadable calendar part in a reply from %s.", sender)
            continue
        for item in items:
            if item in seen:  # the text/calendar part and the .ics attachment are the same reply
                continue
            seen.add(item)
            outcome = _apply(item, sender)
            logger.info(
                "Calendar reply %s from %s for %s: %s",
                item.partstat,
                sender,
                item.uid,
                outcome,
            )
            outcomes.append(ReplyOutcome(uid=item.uid, attendee_email=item.attendee_email, outcome=outcome))
    return outcomes


def poll_mailbox() -> int:
    """Ingest unread messages in the organiser mailbox over IMAP; no-op unless configured.

    A message is marked \\Seen only after it has been ingested, so a crash
    part-way leaves the rest to the next run (replies are idempotent).
    """
    if not settings.KINFOLK_IMAP_HOST:
        return 0
    imap_class = imaplib.IMAP4_SSL if settings.KINFOLK_IMAP_SSL else imaplib.IMAP4
    count = 0
    with imap_class(
        settings.KINFOLK_IMAP_HOST,
        settings.KINFOLK_IMAP_PORT,
        timeout=settings.EMAIL_TIMEOUT,
    ) as imap:
        imap.login(settings.KINFOLK_IMAP_USER, settings.KINFOLK_IMAP_PASSWORD)
        imap.select(settings.KINFOLK_IMAP_FOLDER)
        _status, data = imap.search(None, "UNSEEN")
        for number in (data[0] or b"").split():
            _status, fetched = imap.fetch(number.decode(), "(BODY.PEEK[])")
            raw = next((part[1] for part in fetched if isinstance(part, tuple)), b"")
            if raw:
                ingest_reply_message(raw)
                count += 1
            imap.store(number.decode(), "+FLAGS", "\\Seen")
    return count
