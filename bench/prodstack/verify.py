"""What must have arrived at the SMTP server, and what did.

The expectation is built from the scenario and the sessions in the database,
not from the outbox: every invitee of every diarised session gets one REQUEST
(SEQUENCE 0); of a moved session, one more (SEQUENCE 1); of a cancelled one, one
CANCEL (SEQUENCE 1); of a session whose reminder fell due in the run, one
reminder, before the session starts. Nothing else may arrive. Every outbox row
must have been sent and have arrived; a row may arrive twice only in the
accepted-but-unacknowledged window (docs/diary-and-reminders.md, "The outbox"):
the relay accepted it before the cluster was killed, it arrives again after,
under the same Message-ID, and no more rows than the killed cluster had workers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dateutil.rrule import rrulestr
from django.db.models import Count
from icalendar import Calendar

from bench.prodstack.scenario import Run
from bench.prodstack.stack import Arrival
from diary.models import Reminder, ReminderStatus
from outbox.models import OutboxMessage
from supervision.models import SupervisionSession

IN_FLIGHT = dt.timedelta(seconds=5)


@dataclass
class Report:
    counts: dict[str, int | str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        width = max(len(k) for k in self.counts)
        return "\n".join(f"  {key.ljust(width)}  {value}" for key, value in self.counts.items())


@dataclass(frozen=True)
class Event:
    """One VEVENT of an email: its UID, RECURRENCE-ID, SEQUENCE, start, and every instant it names."""

    uid: str
    recurrence_id: dt.datetime | None
    sequence: int
    start: dt.datetime
    instants: frozenset[dt.datetime]


@dataclass(frozen=True)
class Invite:
    """A calendar email as its recipient's calendar reads it."""

    method: str
    to: str
    events: tuple[Event, ...]

    @property
    def key(self) -> tuple[str, str, tuple[tuple[str, dt.datetime | None, int], ...]]:
        """What makes two emails the same email: the same change to the same events for the same person."""
        return self.method, self.to, tuple(sorted((e.uid, e.recurrence_id, e.sequence) for e in self.events))

    def names(self, moment: dt.datetime, *, as_start: bool = True, as_recurrence: bool = False) -> bool:
        return any(
            (as_start and moment in event.instants) or (as_recurrence and event.recurrence_id == moment)
            for event in self.events
        )


def _utc(value: object) -> dt.datetime:
    assert isinstance(value, dt.datetime)
    return value.astimezone(dt.UTC)


def _dates(event: object, name: str) -> set[dt.datetime]:
    values = event.get(name, [])  # type: ignore[attr-defined]
    return {_utc(d.dt) for value in (values if isinstance(values, list) else [values]) for d in value.dts}


def read_event(event: object) -> Event:
    start = event["DTSTART"].dt  # type: ignore[index]
    instants = {_utc(start)}
    if event.get("RRULE"):  # type: ignore[attr-defined]
        # A recurring invite (one per person for a series): every instant it names.
        rule = event["RRULE"].to_ical().decode()  # type: ignore[index]
        instants = {_utc(m) for m in rrulestr(f"RRULE:{rule}", dtstart=start)}
        instants = (instants | _dates(event, "RDATE")) - _dates(event, "EXDATE")
    recurrence = event.get("RECURRENCE-ID")  # type: ignore[attr-defined]
    return Event(
        uid=str(event["UID"]),  # type: ignore[index]
        recurrence_id=_utc(recurrence.dt) if recurrence is not None else None,
        sequence=int(event.get("SEQUENCE", 0)),  # type: ignore[attr-defined]
        start=_utc(start),
        instants=frozenset(instants),
    )


def read_invite(arrival: Arrival) -> Invite | None:
    for part in arrival.message.walk():
        if part.get_content_type() == "text/calendar":
            calendar = Calendar.from_ical(part.get_content())
            return Invite(
                method=str(calendar["METHOD"]),
                to=str(arrival.message["To"]).strip().lower(),
                events=tuple(read_event(event) for event in calendar.walk("VEVENT")),
            )
    return None


@dataclass
class Mail:
    """What the SMTP server received, grouped by Message-ID, and the outbox rows."""

    arrivals: list[Arrival]
    rows: dict[int, OutboxMessage]
    by_message_id: dict[str, list[Arrival]]

    @classmethod
    def collect(cls, run: Run) -> Mail:
        arrivals = run.stack.mail.snapshot()
        by_message_id: dict[str, list[Arrival]] = defaultdict(list)
        for arrival in arrivals:
            by_message_id[arrival.message_id].append(arrival)
        return cls(arrivals, {row.pk: row for row in OutboxMessage.objects.all()}, dict(by_message_id))

    def row(self, arrival: Arrival) -> OutboxMessage | None:
        return self.rows.get(arrival.outbox_id or 0)


def check_outbox(mail: Mail, problems: list[str]) -> None:
    """Every arrival is an outbox row, under that row's Message-ID; every row was sent and arrived."""
    for message_id, copies in mail.by_message_id.items():
        outbox_ids = {copy.outbox_id for copy in copies}
        row = mail.row(copies[0])
        if len(outbox_ids) != 1 or row is None or row.message_id != message_id:
            problems.append(f"{message_id} arrived without matching one outbox row (rows {outbox_ids})")
    missing = [pk for pk, row in mail.rows.items() if row.message_id not in mail.by_message_id]
    if missing:
        problems.append(f"{len(missing)} outbox rows never arrived: {missing[:10]}")
    unsent = [pk for pk, row in mail.rows.items() if row.status != "sent"]
    if unsent:
        problems.append(f"{len(unsent)} outbox rows not sent: {unsent[:10]}")


def check_repeats(run: Run, mail: Mail, problems: list[str]) -> int:
    """Repeats only in the accepted-but-unacknowledged window of the killed cluster; returns how many."""
    repeated = {mid: copies for mid, copies in mail.by_message_id.items() if len(copies) > 1}
    killed = run.killed_at
    for message_id, copies in repeated.items():
        row = mail.row(copies[0])
        first, *later = sorted(copies, key=lambda a: a.at)
        # The first copy was accepted as the cluster died (a message whose last bytes were
        # on the wire may be taken a moment after the kill); the repeat came after it.
        in_window = (
            killed is not None
            and first.at <= killed + IN_FLIGHT
            and all(copy.at > killed for copy in later)
            and len(copies) == 2
            and row is not None
            and row.attempts >= 2
        )
        if not in_window:
            problems.append(
                f"{message_id} arrived {len(copies)} times outside the killed cluster's window "
                f"(first {first.at:%H:%M:%S.%f}, killed {f'{killed:%H:%M:%S.%f}' if killed else 'never'})"
            )
    workers = int(run.stack.env["Q_WORKERS"])
    if len(repeated) > workers:
        problems.append(f"{len(repeated)} rows repeated; the killed cluster had only {workers} workers")
    return len(repeated)


def split(mail: Mail) -> tuple[list[Invite], list[Arrival]]:
    """The calendar emails, read, and the rest."""
    invites: list[Invite] = []
    others: list[Arrival] = []
    for copies in mail.by_message_id.values():
        invite = read_invite(copies[0])
        if invite is None:
            others.append(copies[0])
        else:
            invites.append(invite)
    return invites, others


def check_session(
    run: Run,
    session: SupervisionSession,
    by_person: dict[str, list[Invite]],
    moments: dict[str, set[dt.datetime]],
    problems: list[str],
) -> int:
    """Each invitee's calendar heard of the session, its move, its cancellation. Returns those emails' number."""
    assert session.meeting is not None
    first = run.first_starts.get(session.pk, session.start).astimezone(dt.UTC)
    most = 0
    for email in (e.lower() for e in session.meeting.attendees.current().values_list("email", flat=True)):
        received = by_person[email]
        moments[email] |= {first, session.start.astimezone(dt.UTC)}
        most += 1
        if not any(i.method == "REQUEST" and i.names(first) for i in received):
            problems.append(f"no invitation to {email} for the session at {first:%Y-%m-%d %H:%M:%S}Z")
        if session.pk in run.moved:
            most += 1
            if not any(i.method == "REQUEST" and i.names(session.start) for i in received):
                problems.append(f"no update to {email} for the session moved to {session.start}")
        if session.pk in run.cancelled:
            most += 1
            if not any(i.method == "CANCEL" and i.names(first, as_recurrence=True) for i in received):
                problems.append(f"no cancellation to {email} for the session at {first}")
    return most


def check_invites(run: Run, mail: Mail, problems: list[str]) -> tuple[Counter[str], list[Arrival], int]:
    """Invitations, updates and cancellations: each person's calendar told of every change, each email once.

    Built to hold whether a session reaches people as an invite of its own or as an
    instance of one recurring invite per person (RRULE; a change to one session then
    comes as an exception with its RECURRENCE-ID): every invitee of every session had a
    REQUEST naming its first start; of a moved session, a REQUEST naming its new start;
    of the cancelled one, a CANCEL naming it. No email was sent twice under two
    Message-IDs, none went to anyone else or named another moment, and there were no
    more than one per session, move and cancellation for each person.

    Returns the count by method, the other emails (reminders, checked next) and the
    number a session-by-session design would send (the most expected).
    """
    invites, others = split(mail)
    by_person: dict[str, list[Invite]] = defaultdict(list)
    for invite in invites:
        by_person[invite.to].append(invite)
    most = 0
    moments: dict[str, set[dt.datetime]] = defaultdict(set)
    for name, group in run.seeded.groups.items():
        sessions = list(SupervisionSession.objects.filter(group=group).select_related("meeting"))
        if len(sessions) != run.expected_sessions.get(name):
            problems.append(
                f"group {name.upper()}: {len(sessions)} sessions, expected {run.expected_sessions.get(name)}"
            )
        for session in sessions:
            most += check_session(run, session, by_person, moments, problems)
    for invite in invites:
        strays = [e.start for e in invite.events if e.start not in moments.get(invite.to, set())]
        if strays:
            problems.append(f"{invite.method} to {invite.to} not expected (starts {strays[:3]})")
    for key, n in Counter(invite.key for invite in invites).items():
        if n > 1:
            problems.append(f"the same email sent {n} times under different Message-IDs: {key[:2]}")
    if len(invites) > most:
        problems.append(f"{len(invites)} calendar emails, more than one per session, move and cancellation ({most})")
    return Counter(invite.method for invite in invites), others, most


def check_reminders(run: Run, mail: Mail, others: list[Arrival], problems: list[str]) -> tuple[int, int]:
    """One per invitee of each session reminded in the run, before it starts; none other.

    Returns (reminders arrived, reminders expected).
    """
    reminders = {
        r.outbox_message_id: r
        for r in Reminder.objects.filter(outbox_message_id__in=[a.outbox_id for a in others]).select_related("meeting")
    }
    sessions = {s.meeting_id: s for s in SupervisionSession.objects.filter(meeting__isnull=False)}
    reminded: Counter[tuple[int, str]] = Counter()
    for arrival in others:
        reminder = reminders.get(arrival.outbox_id)
        if reminder is None or reminder.meeting is None or reminder.outbox_message_id is None:
            problems.append(f"an email that is neither an invitation nor a reminder: {arrival.message['Subject']}")
            continue
        reminded[(sessions[reminder.meeting_id].pk, reminder.recipient_email)] += 1
        first_arrival = min(copy.at for copy in mail.by_message_id[arrival.message_id])
        written = mail.rows[reminder.outbox_message_id].created_at
        if not (written < reminder.meeting.start and first_arrival < reminder.meeting.start):
            problems.append(f"reminder {reminder.pk} sent after its meeting began ({reminder.meeting.start})")
    wanted = {
        (s.pk, email.lower())
        for s in SupervisionSession.objects.filter(pk__in=run.reminded).select_related("meeting")
        if s.meeting is not None
        for email in s.meeting.attendees.current().values_list("email", flat=True)
    }
    problems.extend(f"reminder missing: session {pk} to {to}" for pk, to in sorted(wanted - set(reminded)))
    problems.extend(f"reminder not expected: session {pk} to {to}" for pk, to in sorted(set(reminded) - wanted))
    problems.extend(f"reminder sent {n} times: session {pk} to {to}" for (pk, to), n in reminded.items() if n > 1)
    if Reminder.objects.filter(due_at__lte=run.last_due, status=ReminderStatus.PENDING).exists():
        problems.append("reminders due in the run still pending")
    started = Reminder.objects.filter(meeting__gcs_session__in=run.started_during_run)
    if started.filter(status=ReminderStatus.SENT).exists():
        problems.append("a reminder of the session that began during the run was sent")
    return sum(reminded.values()), len(wanted)


def check(run: Run) -> Report:
    report = Report()
    mail = Mail.collect(run)
    check_outbox(mail, report.problems)
    repeats = check_repeats(run, mail, report.problems)
    methods, others, invites_most = check_invites(run, mail, report.problems)
    reminders, reminders_expected = check_reminders(run, mail, others, report.problems)
    statuses = dict(Reminder.objects.filter(due_at__lte=run.window_end).values_list("status").annotate(n=Count("pk")))
    sessions = dict(
        SupervisionSession.objects.filter(group__in=run.seeded.groups.values())
        .values_list("group__team__name")
        .annotate(n=Count("pk"))
    )
    report.counts = {
        "sessions diarised (A, B, C)": ", ".join(str(sessions.get(f"Team {n}", 0)) for n in "ABC"),
        "calendar emails at most (1 per person per session, move, cancel)": invites_most,
        "reminders expected": reminders_expected,
        "emails arrived (distinct Message-IDs)": len(mail.by_message_id),
        "deliveries at the SMTP server": len(mail.arrivals),
        "  of which repeats (same Message-ID, kill window)": repeats,
        "invitations and updates (REQUEST)": methods["REQUEST"],
        "cancellations (CANCEL)": methods["CANCEL"],
        "reminders arrived": reminders,
        "reminders due by N+180 s: sent / skipped / withdrawn": " / ".join(
            str(statuses.get(s, 0)) for s in (ReminderStatus.SENT, ReminderStatus.SKIPPED, ReminderStatus.WITHDRAWN)
        ),
        "outbox rows claimed more than once (attempts > 1)": sum(1 for row in mail.rows.values() if row.attempts > 1),
    }
    return report
