"""Series of meetings: one recurring invite per person, and changes to many meetings at once.

A series is written in bulk in one transaction (meetings, attendees, reminders)
and reaches each attendee as one METHOD:REQUEST holding the master event
(RRULE, EXDATE, RDATE) and every exception. A change to one meeting of a series
goes through diary.services as usual and is sent as an exception (the meeting's
VEVENT carries the series' UID and its RECURRENCE-ID); a change to many (people
added or removed, every meeting from a date moved or cancelled) raises the
series' SEQUENCE and sends the whole series again: one email per person. A
person taken off the dates to come is sent the series ended after the past
dates they were invited to (RRULE UNTIL), so those stay in their calendar.

SEQUENCE: the master carries the series' SEQUENCE; every meeting's own
SEQUENCE is kept at least the series' (raised with it), and a meeting changed
on its own goes above it. So an exception is never older than its master, and a
reply to the master or to one instance is checked against the right number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Team, User
from core import audit
from core.localtime import LONDON
from core.models import AuditAction
from diary import ical
from diary.models import AttendeeResponse, Meeting, MeetingAttendee, MeetingSeries, MeetingStatus, Reminder
from diary.reminders import ReminderRule, bulk_meeting_reminders, sync_meeting_reminders, validate_meeting_rules
from diary.services import AttendeeSpec, check_specs, check_times, make_attendee
from outbox.services import enqueue_email


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a new series: `recurrence_id` is its usual start, or its own start for an RDATE."""

    start: dt.datetime
    end: dt.datetime
    recurrence_id: dt.datetime
    link_path: str


def expand(series: MeetingSeries) -> list[dt.datetime]:
    """The instants the master event names (RRULE minus EXDATE plus RDATE), in UTC."""
    rule = rrulestr(f"RRULE:{series.rrule}", dtstart=series.dtstart.astimezone(LONDON))
    excluded = {dt.datetime.fromisoformat(value) for value in series.exdates}
    moments = {moment.astimezone(dt.UTC) for moment in rule} - excluded
    moments |= {dt.datetime.fromisoformat(value).astimezone(dt.UTC) for value in series.rdates}
    return sorted(moments)


def recurrence_up_to(series: MeetingSeries, kept: Collection[dt.datetime]) -> ical.Recurrence:
    """RRULE, EXDATE and RDATE that name exactly the instants `kept` (recurrence ids): the series ended early.

    UNTIL is the last kept instant the rule gives (inclusive); every instant of
    the rule up to it that is not kept (and DTSTART, which RFC 5545 counts as an
    instance) is an EXDATE, and every kept instant the rule does not give an
    RDATE. So dates moved earlier or later, cancelled or left out come out right
    whatever their order.
    """
    wanted = {moment.astimezone(dt.UTC) for moment in kept}
    rule = rrulestr(f"RRULE:{series.rrule}", dtstart=series.dtstart.astimezone(LONDON))
    by_rule = {moment.astimezone(dt.UTC) for moment in rule}
    in_rule = sorted(wanted & by_rule)
    first = series.dtstart.astimezone(dt.UTC)
    until = in_rule[-1] if in_rule else first
    candidates = {moment for moment in by_rule if moment <= until} | {first}
    return ical.Recurrence(
        rrule=ical.rule_until(series.rrule, until),
        exdates=sorted(candidates - wanted),
        rdates=sorted(wanted - by_rule),
    )


def _iso(moments: Sequence[dt.datetime]) -> list[str]:
    return sorted(moment.astimezone(dt.UTC).isoformat() for moment in moments)


@transaction.atomic
def schedule_series(
    *,
    kind: str,
    title: str,
    organiser: User,
    link_path: str,
    dtstart: dt.datetime,
    dtend: dt.datetime,
    rrule: str,
    occurrences: Sequence[Occurrence],
    exdates: Sequence[dt.datetime] = (),
    rdates: Sequence[dt.datetime] = (),
    team: Team | None = None,
    location: str = "",
    online_url: str = "",
    description: str = "",
    attendees: Sequence[AttendeeSpec] = (),
    reminder_rules: Sequence[ReminderRule] = (),
) -> tuple[MeetingSeries, list[Meeting]]:
    """Create a series and its meetings in bulk; each attendee gets one recurring invite."""
    check_times(dtstart, dtend)
    check_specs(attendees)
    rules = validate_meeting_rules(reminder_rules)
    if not occurrences:
        raise ValidationError("A series needs at least one meeting.")
    series = MeetingSeries(
        kind=kind,
        title=title.strip(),
        team=team,
        organiser=organiser,
        description=description.strip(),
        location=location.strip(),
        online_url=online_url.strip(),
        link_path=link_path,
        dtstart=dtstart,
        dtend=dtend,
        rrule=rrule,
        exdates=_iso(exdates),
        rdates=_iso(rdates),
    )
    series.full_clean()
    wanted = sorted(o.recurrence_id.astimezone(dt.UTC) for o in occurrences)
    if expand(series) != wanted:
        # A programming error in the caller's plan: the invite would show other dates than Kinfolk.
        raise ValidationError("The series' recurrence rule does not give the meetings' dates.")
    series.save()
    meetings = []
    for occurrence in occurrences:
        check_times(occurrence.start, occurrence.end)
        meeting = Meeting(
            kind=kind,
            title=series.title,
            team=team,
            organiser=organiser,
            start=occurrence.start,
            end=occurrence.end,
            location=series.location,
            online_url=series.online_url,
            description=series.description,
            link_path=occurrence.link_path,
            reminder_rules=[rule.as_json() for rule in rules],
            series=series,
            recurrence_id=occurrence.recurrence_id,
        )
        # The people were checked with the series; the times above; the UID by the database: no query per row.
        meeting.full_clean(exclude=["organiser", "team", "series"], validate_unique=False, validate_constraints=False)
        meetings.append(meeting)
    meetings = Meeting.objects.bulk_create(meetings)
    rows = [copy_attendee(first, meeting) for first in _checked(meetings[0], attendees) for meeting in meetings]
    MeetingAttendee.objects.bulk_create(rows)
    Reminder.objects.bulk_create(bulk_meeting_reminders(meetings, rows))
    audit.record(
        action=AuditAction.CREATE,
        obj=series,
        detail={"uid": series.uid, "meetings": len(meetings), "attendees": len(attendees)},
    )
    first = sorted((row for row in rows if row.meeting_id == meetings[0].pk), key=lambda row: row.email)
    for attendee in first:
        _send_series_request(series, meetings, first, attendee, updated=False)
    return series, meetings


def _checked(meeting: Meeting, attendees: Sequence[AttendeeSpec]) -> list[MeetingAttendee]:
    """Each person's row, validated once (a query each for the user), to copy onto every meeting."""
    return [make_attendee(meeting, spec) for spec in attendees]


def copy_attendee(row: MeetingAttendee, meeting: Meeting) -> MeetingAttendee:
    return MeetingAttendee(meeting=meeting, user=row.user, email=row.email, name=row.name, required=row.required)


# --- Emails -----------------------------------------------------------------------------------


def _summary(series: MeetingSeries) -> str:
    kind = series.get_kind_display()
    return series.title if series.title.lower().startswith(kind.lower()) else f"{kind}: {series.title}"


def _send_series_request(
    series: MeetingSeries,
    meetings: Sequence[Meeting],
    listed: Sequence[MeetingAttendee],
    recipient: MeetingAttendee,
    *,
    updated: bool,
    reason_given: bool = False,
) -> None:
    now = timezone.now()
    enqueue_email(
        to=[recipient.email],
        template="meeting_series",
        context={
            "series_summary": _summary(series),
            "recipient_name": recipient.name if recipient.is_staff_attendee else "",
            "dates": [m.start for m in meetings if not m.is_cancelled and m.end >= now],
            "link": series.link_url,
            "updated": updated,
            "reason_given": reason_given,
        },
        idempotency_key=f"series:{series.uid}:seq{series.sequence}:request:{recipient.email.lower()}",
        calendar=ical.build_series_request(series, meetings, listed, recipient=recipient),
    )


def _send_series_removed(series: MeetingSeries, meetings: Sequence[Meeting], attendee: MeetingAttendee) -> None:
    enqueue_email(
        to=[attendee.email],
        template="meeting_series_removed",
        context={
            "series_summary": _summary(series),
            "recipient_name": attendee.name if attendee.is_staff_attendee else "",
            "link": series.link_url,
        },
        idempotency_key=f"series:{series.uid}:seq{series.sequence}:cancel:{attendee.email.lower()}",
        calendar=ical.build_series_cancel(series, meetings, attendee),
    )


def _send_series_ended(
    series: MeetingSeries,
    kept: Sequence[Meeting],
    listed: Sequence[MeetingAttendee],
    recipient: MeetingAttendee,
    taken_off: Sequence[Meeting],
) -> None:
    """The series ended after the past dates `kept`, for someone taken off the dates to come.

    A METHOD:REQUEST, not a CANCEL: the master's RRULE ends (UNTIL) at the last
    date kept, dates after it are neither EXDATE nor RDATE, and only the kept
    dates' exceptions are sent, so calendars drop the dates to come and keep the
    past ones (what Outlook sends when an organiser sets an earlier end date).
    The master carries the series' SEQUENCE, just raised, so above any master
    the person holds; each kept date's exception carries its meeting's own,
    never below their copy of that date (meetings' SEQUENCEs only rise). Nobody
    else's SEQUENCE moves, and a later change (an undo) is higher again.
    """
    recurrence = recurrence_up_to(series, [m.recurrence_id for m in kept if m.recurrence_id is not None])
    enqueue_email(
        to=[recipient.email],
        template="meeting_series_ended",
        context={
            "series_summary": _summary(series),
            "recipient_name": recipient.name if recipient.is_staff_attendee else "",
            "kept": len(kept),
            "last_kept": kept[-1].start,
            "dates": [m.start for m in taken_off],
            "link": series.link_url,
        },
        idempotency_key=f"series:{series.uid}:seq{series.sequence}:ended:{recipient.email.lower()}",
        calendar=ical.build_series_request(
            series, kept, listed, recipient=recipient, recurrence=recurrence, rsvp=False
        ),
    )


def _send_removals(
    series: MeetingSeries,
    meetings: Sequence[Meeting],
    removed: Mapping[str, MeetingAttendee],
    taken_off: Mapping[str, Sequence[Meeting]],
    now: dt.datetime,
) -> None:
    """Tell each person taken off: the series ended after their past dates, or one CANCEL if they have none.

    Someone still invited to a date to come (a session's guest, say) is not
    taken off the series: the updated series that `_resend` sends them says it.
    """
    past = {m.pk: m for m in meetings if not m.is_cancelled and m.end < now and m.recurrence_id is not None}
    future = [m.pk for m in meetings if not m.is_cancelled and m.end >= now]
    rows = list(
        MeetingAttendee.objects.current()
        .filter(Q(meeting_id__in=list(past)) | Q(meeting_id__in=future, email__in=list(removed)))
        .order_by("pk")
    )
    still_invited = {r.email.lower() for r in rows if r.meeting_id not in past}
    rows = [r for r in rows if r.meeting_id in past]
    for email, row in removed.items():
        if email in still_invited:
            continue
        mine = {r.meeting_id for r in rows if r.email.lower() == email}
        if not mine:
            _send_series_removed(series, meetings, row)
            continue
        listed: dict[str, MeetingAttendee] = {}
        for other in rows:
            if other.meeting_id in mine:
                listed.setdefault(other.email.lower(), other)
        kept = sorted((past[pk] for pk in mine), key=lambda m: m.start)
        _send_series_ended(series, kept, list(listed.values()), listed[email], taken_off.get(email, ()))


def _raise_sequence(series: MeetingSeries) -> None:
    series.sequence += 1
    series.save(update_fields=["sequence", "updated_at"])
    Meeting.objects.filter(series=series).update(sequence=Greatest(F("sequence"), series.sequence))


def _resend(series: MeetingSeries, *, reason_given: bool = False, also: Sequence[int] = ()) -> int:
    """Send the whole series to everyone still invited to a meeting to come (or to the meetings `also`
    names, such as those just cancelled); returns emails written."""
    meetings = list(series.meetings.select_related("organiser", "team").order_by("start"))
    now = timezone.now()
    future = [m.pk for m in meetings if not m.is_cancelled and m.end >= now] + list(also)
    listed: dict[str, MeetingAttendee] = {}
    for row in MeetingAttendee.objects.current().filter(meeting_id__in=future).select_related("user").order_by("pk"):
        listed.setdefault(row.email.lower(), row)
    people = list(listed.values())
    for attendee in people:
        _send_series_request(series, meetings, people, attendee, updated=True, reason_given=reason_given)
    return len(people)


# --- Changes to many meetings -------------------------------------------------------------------


def _future_meetings(series: MeetingSeries, now: dt.datetime) -> list[Meeting]:
    return list(
        # Lock the meetings only: PostgreSQL refuses FOR UPDATE on the nullable side of the joins.
        series.meetings.select_for_update(of=("self",))
        .filter(status=MeetingStatus.SCHEDULED, end__gte=now)
        .select_related("organiser", "team")
        .order_by("start")
    )


@transaction.atomic
def set_series_attendees(
    *,
    series: MeetingSeries,
    attendees: Sequence[AttendeeSpec],
    keep: Mapping[int, Collection[str]] | None = None,
) -> int:
    """Make every meeting to come of the series invite exactly `attendees`; returns meetings changed.

    People added or restored get the whole series; people taken off get the
    series ended after the past dates they were invited to (one REQUEST), or one
    CANCEL of the series when they have none; nobody else is sent anything
    unless the list changed.
    `keep` names, per meeting id, addresses invited to that meeting alone (a
    session's guests): they are left as they are.
    """
    keep = keep or {}
    MeetingSeries.objects.select_for_update().filter(pk=series.pk).first()
    series.refresh_from_db()
    check_specs(attendees)
    now = timezone.now()
    meetings = _future_meetings(series, now)
    wanted = {spec.address: spec for spec in attendees}
    rows: dict[int, dict[str, MeetingAttendee]] = {m.pk: {} for m in meetings}
    for row in MeetingAttendee.objects.filter(meeting__in=meetings):
        rows[row.meeting_id][row.email.lower()] = row
    checked = {row.email: row for row in _checked(meetings[0], attendees)} if meetings else {}
    new_rows: list[MeetingAttendee] = []
    restored: list[int] = []
    removed: dict[str, MeetingAttendee] = {}
    taken_off: dict[str, list[Meeting]] = {}
    taken_off_rows: list[int] = []
    changed_meetings: set[int] = set()
    for meeting in meetings:
        existing = rows[meeting.pk]
        for email in wanted:
            present = existing.get(email)
            if present is None:
                new_rows.append(copy_attendee(checked[email], meeting))
                changed_meetings.add(meeting.pk)
            elif present.removed_at is not None:
                restored.append(present.pk)
                changed_meetings.add(meeting.pk)
        for email, row in existing.items():
            if row.removed_at is None and email not in wanted and email not in keep.get(meeting.pk, ()):
                removed.setdefault(email, row)
                taken_off.setdefault(email, []).append(meeting)
                taken_off_rows.append(row.pk)
                changed_meetings.add(meeting.pk)
    if not changed_meetings:
        return 0
    MeetingAttendee.objects.bulk_create(new_rows)
    MeetingAttendee.objects.filter(pk__in=restored).update(
        removed_at=None, response=AttendeeResponse.NEEDS_ACTION, responded_at=None, response_sequence=None
    )
    # Only the rows decided above: a meeting that keeps someone (`keep`) keeps their place and reminders.
    MeetingAttendee.objects.filter(pk__in=taken_off_rows).update(removed_at=now)
    if taken_off:
        withdrawn = reduce(or_, (Q(recipient_email=email, meeting__in=dates) for email, dates in taken_off.items()))
        Reminder.objects.filter(withdrawn, status="pending").update(status="withdrawn", processed_at=now)
    added_rows = new_rows + list(MeetingAttendee.objects.filter(pk__in=restored))
    Reminder.objects.bulk_create(
        bulk_meeting_reminders(meetings, added_rows),
        update_conflicts=True,
        unique_fields=["key", "recipient_email"],
        update_fields=["due_at", "status", "processed_at", "meeting", "user", "template", "context", "late_policy"],
    )
    _raise_sequence(series)
    audit.record(
        action=AuditAction.UPDATE,
        obj=series,
        detail={"attendees_added": len({r.email for r in added_rows}), "attendees_removed": len(removed)},
    )
    all_meetings = list(series.meetings.select_related("organiser", "team").order_by("start"))
    if removed:
        _send_removals(series, all_meetings, removed, taken_off, now)
    _resend(series)
    return len(changed_meetings)


@transaction.atomic
def cancel_series_meetings(*, series: MeetingSeries, meetings: Sequence[Meeting], reason: str = "") -> int:
    """Cancel several meetings of a series at once: one updated series to each person, not one CANCEL each."""
    MeetingSeries.objects.select_for_update().filter(pk=series.pk).first()
    series.refresh_from_db()
    ids = [m.pk for m in meetings if m.series_id == series.pk]
    now = timezone.now()
    targets = Meeting.objects.filter(pk__in=ids, status=MeetingStatus.SCHEDULED, end__gte=now)
    count = targets.update(
        status=MeetingStatus.CANCELLED, reason=reason.strip()[:250], sequence=F("sequence") + 1, updated_at=now
    )
    if not count:
        return 0
    Reminder.objects.filter(meeting_id__in=ids, status="pending").update(status="withdrawn", processed_at=now)
    _raise_sequence(series)
    audit.record(
        action=AuditAction.UPDATE, obj=series, detail={"cancelled": count, "reason_given": bool(reason.strip())}
    )
    if series.meetings.filter(status=MeetingStatus.SCHEDULED).exists():
        # Those invited to the dates cancelled hear of it even when no date is left to come.
        _resend(series, reason_given=bool(reason.strip()), also=ids)
    else:
        # Nothing left of it: the whole series is cancelled in everyone's calendar.
        all_meetings = list(series.meetings.select_related("organiser", "team").order_by("start"))
        people: dict[str, MeetingAttendee] = {}
        for row in MeetingAttendee.objects.current().filter(meeting_id__in=ids).order_by("pk"):
            people.setdefault(row.email.lower(), row)
        for row in people.values():
            _send_series_removed(series, all_meetings, row)
    return count


@dataclass(frozen=True)
class Move:
    meeting: Meeting
    start: dt.datetime
    end: dt.datetime


@transaction.atomic
def move_series_meetings(*, series: MeetingSeries, moves: Sequence[Move], reason: str = "") -> int:
    """Move several meetings of a series at once; each becomes an exception of the one series sent to each person.

    Those moved ask everyone to answer again (as a single move does).
    """
    MeetingSeries.objects.select_for_update().filter(pk=series.pk).first()
    series.refresh_from_db()
    now = timezone.now()
    moved = []
    for move in moves:
        meeting = move.meeting
        if meeting.series_id != series.pk or meeting.is_cancelled or meeting.end < now:
            continue
        check_times(move.start, move.end)
        if move.start < now:
            raise ValidationError("A meeting cannot be moved into the past.")
        if (meeting.start, meeting.end) == (move.start, move.end):
            continue
        meeting.start, meeting.end = move.start, move.end
        meeting.sequence += 1
        meeting.reason = reason.strip()[:250]
        moved.append(meeting)
    if not moved:
        return 0
    Meeting.objects.bulk_update(moved, ["start", "end", "sequence", "reason", "updated_at"])
    MeetingAttendee.objects.filter(meeting__in=moved, removed_at__isnull=True).exclude(
        response=AttendeeResponse.NEEDS_ACTION
    ).update(response=AttendeeResponse.NEEDS_ACTION, responded_at=None, response_sequence=None)
    for meeting in moved:
        sync_meeting_reminders(meeting)
    _raise_sequence(series)
    audit.record(
        action=AuditAction.UPDATE, obj=series, detail={"moved": len(moved), "reason_given": bool(reason.strip())}
    )
    _resend(series, reason_given=bool(reason.strip()))
    return len(moved)
