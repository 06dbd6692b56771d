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
from django.utils import timezone

from diary.ical import PARTSTAT_TO_RESPONSE, ReplyItem, parse_reply
from diary.models import Meeting, MeetingAttendee, MeetingSeries, MeetingStatus
from diary.responses import ANSWERS, ResponseRefused, record_response

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


def _meetings_answered(item: ReplyItem) -> list[Meeting]:
    """The meeting a reply is about; for a series, the instance it names or every meeting still to come."""
    meeting = Meeting.objects.filter(uid=item.uid).first()
    if meeting is not None:
        return [meeting]
    series = MeetingSeries.objects.filter(uid=item.uid).first()
    if series is None:
        return []
    if item.recurrence_id is not None:
        return list(series.meetings.filter(recurrence_id=item.recurrence_id))
    # An answer to the whole series counts for the meetings still to come, as calendars show it.
    return list(series.meetings.filter(status=MeetingStatus.SCHEDULED, end__gte=timezone.now()))


def _refusal(item: ReplyItem, sender: str) -> tuple[str | None, list[MeetingAttendee]]:
    """Why this reply must not count, or None and the attendee rows it answers for.

    The email's From must be the attendee. A delegate answering from their own
    mailbox (ATTENDEE;SENT-BY=delegate, From: delegate) is not honoured: SENT-BY
    is written by the sender, so it proves nothing, and Kinfolk has no record of
    who may act for whom. Exchange's "on behalf of" replies carry From: the
    attendee (the delegate is in Sender:), so they do count.
    """
    meetings = _meetings_answered(item)
    if not meetings:
        return "unknown-meeting", []
    attendees = list(
        MeetingAttendee.objects.current()
        .filter(meeting__in=meetings, email__iexact=item.attendee_email)
        .select_related("meeting")
    )
    if not attendees:
        return "unknown-attendee", []
    if sender != attendees[0].email.lower():
        return "unknown-sender", []
    if PARTSTAT_TO_RESPONSE.get(item.partstat) not in ANSWERS:
        return "not-an-answer", []
    return None, attendees


def _apply(item: ReplyItem, sender: str) -> tuple[str, MeetingAttendee | None]:
    refusal, attendees = _refusal(item, sender)
    if refusal is not None or not attendees:
        return refusal or "unknown-attendee", None
    outcome = "refused"
    for attendee in attendees:
        try:
            record_response(attendee=attendee, response=PARTSTAT_TO_RESPONSE[item.partstat], sequence=item.sequence)
        except ResponseRefused as exc:
            # For a whole series, an instance changed since (a higher SEQUENCE) keeps its own answer.
            if len(attendees) == 1:
                outcome = {"stale": "stale", "ahead": "sequence-ahead"}.get(str(exc.code), "refused")
        except ValidationError:
            continue
        else:
            outcome = "recorded"
    return outcome, attendees[0]


def _parse_message(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default always builds EmailMessage
    return message


def reply_items(message: EmailMessage) -> list[ReplyItem]:
    """The attendee answers in the message's METHOD:REPLY calendar parts (none for other mail)."""
    items: list[ReplyItem] = []
    for data in calendar_parts(message):
        try:
            found = parse_reply(data)
        except ValueError:
            logger.warning("Ignored an unreadable calendar part in an incoming message.")
            continue
        # The text/calendar part and the .ics attachment are usually the same reply.
        items += [item for item in found if item not in items]
    return items


def carries_reply(raw: bytes) -> bool:
    """Whether a raw message holds a calendar REPLY, i.e. is for Kinfolk to ingest."""
    return bool(reply_items(_parse_message(raw)))


def ingest_reply_message(raw: bytes) -> list[ReplyOutcome]:
    """Apply every attendee answer in one raw RFC 822 message.

    Logs name meetings and attendees by row id only, never by address.
    """
    message = _parse_message(raw)
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    outcomes: list[ReplyOutcome] = []
    for item in reply_items(message):
        outcome, attendee = _apply(item, sender)
        logger.info(
            "Calendar reply %s for meeting UID %s, attendee %s: %s",
            item.partstat,
            item.uid,
            attendee.pk if attendee is not None else "unknown",
            outcome,
        )
        outcomes.append(ReplyOutcome(uid=item.uid, attendee_email=item.attendee_email, outcome=outcome))
    return outcomes


def _authenticate(imap: imaplib.IMAP4) -> None:
    """XOAUTH2 when a token is configured (Exchange Online has no password IMAP), else a password login."""
    token = settings.KINFOLK_IMAP_OAUTH_TOKEN
    if token:
        auth = f"user={settings.KINFOLK_IMAP_USER}\x01auth=Bearer {token}\x01\x01".encode()
        imap.authenticate("XOAUTH2", lambda _challenge: auth)
    else:
        imap.login(settings.KINFOLK_IMAP_USER, settings.KINFOLK_IMAP_PASSWORD)


def _fetch(imap: imaplib.IMAP4, uid: str) -> bytes:
    _status, fetched = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    for part in fetched or []:
        if isinstance(part, tuple) and isinstance(part[1], bytes):
            return part[1]
    return b""


def poll_mailbox() -> int:
    """Ingest unread calendar replies in the organiser mailbox over IMAP; no-op unless configured.

    Only messages carrying a calendar REPLY are marked \\Seen, and only after
    they have been ingested: anything else (people writing to the mailbox,
    bounces, out-of-office notes) stays unread for a person to read. Each
    message is handled on its own, so one that fails is logged by its IMAP UID,
    left unread for the next run, and does not stop the rest (replies are
    idempotent, so trying again is safe). Returns how many replies were ingested.
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
        _authenticate(imap)
        imap.select(settings.KINFOLK_IMAP_FOLDER)
        # UIDs, not sequence numbers: they stay put while other clients change the mailbox.
        _status, data = imap.uid("SEARCH", "UNSEEN")
        for uid in (data[0] or b"").split() if data else []:
            number = uid.decode()
            try:
                raw = _fetch(imap, number)
                if not raw or not carries_reply(raw):
                    continue
                ingest_reply_message(raw)
                imap.uid("STORE", number, "+FLAGS", "(\\Seen)")
                count += 1
            except Exception as exc:  # one bad message must not hold up the others
                logger.warning(
                    "Could not ingest IMAP message UID %s (%s); left unread for the next run.",
                    number,
                    type(exc).__name__,
                )
    return count
