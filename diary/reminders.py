"""Reminders: rows with a due time, moved into the outbox exactly once.

Rules are relative to an anchor (a meeting's start or end, a papers deadline, an
action's due date), offset in working days (England and Wales) and hours. A
meeting's reminders are recomputed whenever it moves, and withdrawn when it is
cancelled or the recipient leaves it or declines. The every-minute job
`send_due_reminders` takes each due reminder in its own transaction together with
the outbox row it writes, so a reminder is sent once, and after an outage each
overdue one is sent once or skipped (per its rule) — never a flood of repeats.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.localtime import LONDON, local_datetime
from diary.models import AttendeeResponse, LatePolicy, Meeting, MeetingAttendee, Reminder, ReminderStatus
from diary.workdays import add_working_days
from outbox.services import enqueue_email

logger = logging.getLogger(__name__)

MEETING_ANCHORS = ("start", "end")
AUDIENCES = ("attendees", "required", "organiser")
DEFAULT_MEETING_TEMPLATE = "meeting_reminder"


@dataclass(frozen=True)
class ReminderRule:
    """E.g. ReminderRule("papers-due", "start", offset_working_days=-3, template="gcs_papers_due")."""

    key: str
    anchor: str
    offset_working_days: int = 0
    offset_hours: int = 0
    template: str = ""
    late_policy: str = LatePolicy.SEND
    audience: str = "attendees"

    def __post_init__(self) -> None:
        if self.late_policy not in LatePolicy.values:
            raise ValueError(f"late_policy must be one of {LatePolicy.values}, not {self.late_policy!r}.")
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}, not {self.audience!r}.")
        if not self.key or ":" in self.key:
            raise ValueError("A reminder rule needs a key without colons.")

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReminderRule:
        return cls(**data)


def compute_due(*, anchor_at: dt.datetime, offset_working_days: int = 0, offset_hours: int = 0) -> dt.datetime:
    """The anchor moved by whole working days (same wall-clock time), then by elapsed hours.

    "Three working days before a 10:00 Tuesday meeting" is 10:00 on the
    Thursday before, or earlier when a bank holiday falls between. The
    wall-clock time is kept across a clock change; a time that does not exist
    that day (in the spring-forward gap) becomes the instant an hour later.
    """
    if timezone.is_naive(anchor_at):
        raise ValueError("compute_due needs an aware anchor.")
    due = anchor_at
    if offset_working_days:
        local = anchor_at.astimezone(LONDON)
        day = add_working_days(local.date(), offset_working_days)
        due = local_datetime(day, local.time().replace(tzinfo=None))
    # In UTC, so the hours are elapsed time: adding to a zoneinfo datetime would
    # be wall-clock arithmetic and put reminders an hour out across a clock change.
    return due.astimezone(dt.UTC) + dt.timedelta(hours=offset_hours)


def schedule_reminder(
    *,
    key: str,
    due_at: dt.datetime,
    recipient_email: str,
    template: str,
    context: dict[str, Any],
    meeting: Meeting | None = None,
    user: User | None = None,
    late_policy: str = LatePolicy.SEND,
) -> Reminder:
    """Create or move the reminder for this key and recipient.

    Idempotent: calling again with the same due time changes nothing, and a
    reminder already sent stays sent. A different due time (the meeting moved)
    makes it pending again at the new moment; a withdrawn one comes back.
    """
    if timezone.is_naive(due_at):
        raise ValidationError("A reminder's due time must be timezone-aware.")
    email = recipient_email.strip().lower()
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(key=key, recipient_email=email).first()
        if reminder is None:
            reminder = Reminder(key=key, recipient_email=email)
        moved = reminder.pk is None or reminder.due_at != due_at or reminder.status == ReminderStatus.WITHDRAWN
        reminder.due_at = due_at
        reminder.template = template
        reminder.context = context
        reminder.meeting = meeting
        reminder.user = user
        reminder.late_policy = late_policy
        if moved:
            reminder.status = ReminderStatus.PENDING
            reminder.processed_at = None
        reminder.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                reminder.save()
        except IntegrityError:
            # Another process created it a moment ago: theirs stands; move it to ours.
            return schedule_reminder(
                key=key,
                due_at=due_at,
                recipient_email=email,
                template=template,
                context=context,
                meeting=meeting,
                user=user,
                late_policy=late_policy,
            )
    return reminder


def withdraw_reminders(
    *,
    key_prefix: str | None = None,
    meeting: Meeting | None = None,
    recipient_email: str | None = None,
) -> int:
    """Withdraw pending reminders matching every filter given. Returns how many."""
    if key_prefix is None and meeting is None and recipient_email is None:
        raise ValueError("withdraw_reminders needs at least one filter.")
    reminders = Reminder.objects.filter(status=ReminderStatus.PENDING)
    if key_prefix is not None:
        reminders = reminders.filter(key__startswith=key_prefix)
    if meeting is not None:
        reminders = reminders.filter(meeting=meeting)
    if recipient_email is not None:
        reminders = reminders.filter(recipient_email=recipient_email.strip().lower())
    return reminders.update(status=ReminderStatus.WITHDRAWN, processed_at=timezone.now())


# --- Meeting rules ------------------------------------------------------------------


def meeting_reminder_key(meeting: Meeting, rule: ReminderRule) -> str:
    return f"meeting:{meeting.uid}:{rule.key}"


def meeting_rules(meeting: Meeting) -> list[ReminderRule]:
    return [ReminderRule.from_json(data) for data in meeting.reminder_rules]


def validate_meeting_rules(rules: Iterable[ReminderRule]) -> list[ReminderRule]:
    rules = list(rules)
    keys = [rule.key for rule in rules]
    if len(keys) != len(set(keys)):
        raise ValidationError("Each reminder rule of a meeting needs its own key.")
    for rule in rules:
        if rule.anchor not in MEETING_ANCHORS:
            raise ValidationError(f"A meeting's reminder rule is anchored on {MEETING_ANCHORS}, not {rule.anchor!r}.")
    return rules


def _recipients(meeting: Meeting, rule: ReminderRule) -> list[tuple[str, User | None, str]]:
    if rule.audience == "organiser":
        return [
            (
                meeting.organiser.email,
                meeting.organiser,
                meeting.organiser.get_full_name(),
            )
        ]
    attendees = [
        a
        for a in meeting.attendees.current().select_related("user")
        if a.response != AttendeeResponse.DECLINED and (a.required or rule.audience == "attendees")
    ]
    return [(a.email, a.user, a.name if a.user_id else "") for a in attendees]


def sync_meeting_reminders(meeting: Meeting) -> None:
    """Make the meeting's reminders match its rules, time and attendees.

    Called by every meeting service in its transaction. A cancelled meeting has
    none; a recipient no longer in the audience has theirs withdrawn.
    """
    if meeting.is_cancelled:
        withdraw_reminders(meeting=meeting)
        return
    wanted: set[tuple[str, str]] = set()
    for rule in meeting_rules(meeting):
        anchor_at = meeting.start if rule.anchor == "start" else meeting.end
        due = compute_due(
            anchor_at=anchor_at,
            offset_working_days=rule.offset_working_days,
            offset_hours=rule.offset_hours,
        )
        key = meeting_reminder_key(meeting, rule)
        for email, user, name in _recipients(meeting, rule):
            wanted.add((key, email.lower()))
            schedule_reminder(
                key=key,
                due_at=due,
                recipient_email=email,
                template=rule.template or DEFAULT_MEETING_TEMPLATE,
                context={"rule": rule.key, "recipient_name": name},
                meeting=meeting,
                user=user,
                late_policy=rule.late_policy,
            )
    for reminder in Reminder.objects.filter(meeting=meeting, status=ReminderStatus.PENDING):
        if (reminder.key, reminder.recipient_email) not in wanted:
            reminder.status = ReminderStatus.WITHDRAWN
            reminder.processed_at = timezone.now()
            reminder.save(update_fields=["status", "processed_at", "updated_at"])


def bulk_meeting_reminders(
    meetings: Sequence[Meeting], attendees: Sequence[MeetingAttendee], *, include_organiser: bool | None = None
) -> list[Reminder]:
    """Unsaved reminder rows for new attendees of meetings (and, for new meetings, their organiser).

    For writing a series in bulk: the rows `sync_meeting_reminders` would make,
    without a query each. `attendees` are rows of those meetings (new ones have
    not answered, so none has declined).
    """
    by_meeting: dict[int, list[MeetingAttendee]] = {}
    for attendee in attendees:
        by_meeting.setdefault(attendee.meeting_id, []).append(attendee)
    organiser_too = include_organiser if include_organiser is not None else True
    now = timezone.now()
    rows = []
    for meeting in meetings:
        for rule in meeting_rules(meeting):
            anchor_at = meeting.start if rule.anchor == "start" else meeting.end
            due = compute_due(
                anchor_at=anchor_at, offset_working_days=rule.offset_working_days, offset_hours=rule.offset_hours
            )
            recipients: list[tuple[str, User | None, str]]
            if rule.audience == "organiser":
                if not organiser_too:
                    continue
                recipients = [(meeting.organiser.email, meeting.organiser, meeting.organiser.get_full_name())]
            else:
                recipients = [
                    (a.email, a.user, a.name if a.user_id else "")
                    for a in by_meeting.get(meeting.pk, [])
                    if a.required or rule.audience == "attendees"
                ]
            rows += [
                Reminder(
                    key=meeting_reminder_key(meeting, rule),
                    recipient_email=email.strip().lower(),
                    due_at=due,
                    template=rule.template or DEFAULT_MEETING_TEMPLATE,
                    context={"rule": rule.key, "recipient_name": name},
                    meeting=meeting,
                    user=user,
                    late_policy=rule.late_policy,
                    status=ReminderStatus.PENDING,
                    processed_at=None,
                    updated_at=now,
                )
                for email, user, name in recipients
            ]
    return rows


# --- The every-minute job ---------------------------------------------------------------


def _too_late_for_its_meeting(reminder: Reminder, now: dt.datetime) -> bool:
    """A reminder meant to arrive before its meeting began, once the meeting has begun.

    Whatever its late policy: "papers are due in three days" read during the
    meeting (after a worker outage) is wrong, not late. Reminders due after the
    start (minutes overdue, actions) are unaffected.
    """
    meeting = reminder.meeting
    return meeting is not None and reminder.due_at < meeting.start <= now


def _process(reminder: Reminder, now: dt.datetime) -> str:
    if reminder.meeting is not None and reminder.meeting.is_cancelled:
        reminder.status = ReminderStatus.WITHDRAWN
    elif _too_late_for_its_meeting(reminder, now):
        reminder.status = ReminderStatus.SKIPPED
        logger.info("Reminder %s skipped: its meeting has started.", reminder.pk)
    elif reminder.late_policy == LatePolicy.SKIP and now - reminder.due_at > dt.timedelta(
        minutes=settings.KINFOLK_REMINDER_GRACE_MINUTES
    ):
        reminder.status = ReminderStatus.SKIPPED
        logger.info("Reminder %s skipped: due %s, now %s.", reminder.pk, reminder.due_at, now)
    else:
        context: dict[str, Any] = dict(reminder.context)
        if reminder.meeting is not None:
            context.update(meeting=reminder.meeting, link=reminder.meeting.link_url)
        reminder.outbox_message = enqueue_email(
            to=[reminder.recipient_email],
            template=reminder.template,
            context=context,
            # The due moment is part of the key: a moved reminder is a new email,
            # the same one processed twice is not.
            idempotency_key=f"reminder:{reminder.pk}:{int(reminder.due_at.timestamp())}",
        )
        reminder.status = ReminderStatus.SENT
    reminder.processed_at = now
    reminder.save(update_fields=["status", "outbox_message", "processed_at", "updated_at"])
    return str(reminder.status)


def send_due_reminders(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Move due reminders into the outbox (or skip them). Safe to run twice at once."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    due_ids: Sequence[int] = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due_ids:
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("meeting", "meeting__team", "meeting__organiser")
                .filter(pk=pk, status=ReminderStatus.PENDING, due_at__lte=now)
                .first()
            )
            if reminder is None:
                continue  # taken by another worker, moved or withdrawn meanwhile
            outcome = _process(reminder, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
