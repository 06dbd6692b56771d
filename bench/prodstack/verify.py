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

from django.db.models import Count
from icalendar import Calendar

from bench.prodstack.scenario import Run
from bench.prodstack.stack import Arrival
from diary.models import Reminder, ReminderStatus
from outbox.models import OutboxMessage
from supervision.models import SupervisionSession

InviteKey = tuple[str, str, int, str]  # method, UID, SEQUENCE, recipient
IN_FLIGHT = dt.timedelta(seconds=5)


@dataclass
class Report:
    counts: dict[str, int | str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        width = max(len(k) for k in self.counts)
        return "\n".join(f"  {key.ljust(width)}  {value}" for key, value in self.counts.items())


def calendar_key(arrival: Arrival) -> InviteKey | None:
    for part in arrival.message.walk():
        if part.get_content_type() == "text/calendar":
            calendar = Calendar.from_ical(part.get_content())
            event = next(iter(calendar.walk("VEVENT")))
            return (
                str(calendar["METHOD"]),
                str(event["UID"]),
                int(event.get("SEQUENCE", 0)),
                str(arrival.message["To"]).strip().lower(),
            )
    return None


def expected_invites(run: Run) -> tuple[set[InviteKey], dict[str, int]]:
    expected: set[InviteKey] = set()
    per_group: dict[str, int] = {}
    for name, group in run.seeded.groups.items():
        sessions = list(SupervisionSession.objects.filter(group=group).select_related("meeting"))
        per_group[name] = len(sessions)
        for session in sessions:
            meeting = session.meeting
            assert meeting is not None
            for email in meeting.attendees.current().values_list("email", flat=True):
                expected.add(("REQUEST", meeting.uid, 0, email.lower()))
                if session.pk in run.moved:
                    expected.add(("REQUEST", meeting.uid, 1, email.lower()))
                if session.pk in run.cancelled:
                    expected.add(("CANCEL", meeting.uid, 1, email.lower()))
    return expected, per_group


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


def check_invites(run: Run, mail: Mail, problems: list[str]) -> tuple[Counter[InviteKey], list[Arrival], int]:
    """Invitations, updates and cancellations: exactly the expected ones, once each.

    Returns them, the other emails (reminders, to be checked next) and how many were expected.
    """
    expected, per_group = expected_invites(run)
    for name, count in per_group.items():
        if count != run.expected_sessions.get(name):
            problems.append(f"group {name.upper()} has {count} sessions, expected {run.expected_sessions.get(name)}")
    invites: Counter[InviteKey] = Counter()
    others: list[Arrival] = []
    for copies in mail.by_message_id.values():
        key = calendar_key(copies[0])
        if key is None:
            others.append(copies[0])
        else:
            invites[key] += 1
    problems.extend(f"missing: {key}" for key in sorted(expected - set(invites)))
    problems.extend(f"not expected: {key}" for key in sorted(set(invites) - expected))
    problems.extend(f"sent {n} times under different Message-IDs: {key}" for key, n in invites.items() if n > 1)
    return invites, others, len(expected)


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
    invites, others, invites_expected = check_invites(run, mail, report.problems)
    reminders, reminders_expected = check_reminders(run, mail, others, report.problems)
    statuses = dict(Reminder.objects.filter(due_at__lte=run.window_end).values_list("status").annotate(n=Count("pk")))
    methods = Counter((key[0], key[2]) for key in invites.elements())
    sessions = dict(
        SupervisionSession.objects.filter(group__in=run.seeded.groups.values())
        .values_list("group__team__name")
        .annotate(n=Count("pk"))
    )
    report.counts = {
        "sessions diarised (A, B, C)": ", ".join(str(sessions.get(f"Team {n}", 0)) for n in "ABC"),
        "emails expected": invites_expected + reminders_expected,
        "emails arrived (distinct Message-IDs)": len(mail.by_message_id),
        "deliveries at the SMTP server": len(mail.arrivals),
        "  of which repeats (same Message-ID, kill window)": repeats,
        "invitations (REQUEST, SEQUENCE 0)": methods[("REQUEST", 0)],
        "updates (REQUEST, SEQUENCE 1)": methods[("REQUEST", 1)],
        "cancellations (CANCEL)": methods[("CANCEL", 1)],
        "reminders arrived": reminders,
        "reminders due by N+180 s: sent / skipped / withdrawn": " / ".join(
            str(statuses.get(s, 0)) for s in (ReminderStatus.SENT, ReminderStatus.SKIPPED, ReminderStatus.WITHDRAWN)
        ),
        "outbox rows claimed more than once (attempts > 1)": sum(1 for row in mail.rows.values() if row.attempts > 1),
    }
    return report
