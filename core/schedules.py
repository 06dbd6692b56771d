"""Every periodic django-q2 job of Kinfolk, declared once.

`manage.py setup_schedules` creates or updates these by name and removes
schedules that are no longer declared (`make run` calls it). Apps add their
own entries to SCHEDULES here, each with a comment saying why it exists.

django-q2 runs with catch_up off (a worker back from an outage runs a missed
schedule once, not once per missed slot) and a task timeout shorter than its
retry interval (config/settings.py), so the ORM broker never hands a slow run
to a second worker. Every job is also safe to run twice at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from core.workdays import LONDON, local_datetime

MANAGED_PREFIX = "kinfolk."


@dataclass(frozen=True)
class Declared:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    # For daily jobs: the Europe/London time of the first run (django-q2's cron
    # needs croniter, which Kinfolk does not install).
    at: dt.time | None = None

    def first_run(self) -> dt.datetime:
        now = timezone.now()
        if self.at is None:
            return now
        first = local_datetime(now.astimezone(LONDON).date(), self.at)
        return first if first > now else local_datetime(first.date() + dt.timedelta(days=1), self.at)


SCHEDULES: list[Declared] = [
    # Sends outbox rows the on-commit task missed (broker down, worker killed) and
    # retries failed ones when their backoff is over.
    Declared("kinfolk.outbox.sweep", "core.tasks.sweep_outbox", Schedule.MINUTES, minutes=1),
    # Moves due reminders into the outbox, each exactly once.
    Declared(
        "kinfolk.reminders.send_due",
        "core.tasks.send_due_reminders",
        Schedule.MINUTES,
        minutes=1,
    ),
    # Reads calendar replies (Outlook/Google/Apple buttons) from the organiser
    # mailbox; does nothing unless KINFOLK_IMAP_HOST is set.
    Declared(
        "kinfolk.diary.poll_imap",
        "core.tasks.poll_organiser_mailbox",
        Schedule.MINUTES,
        minutes=5,
    ),
    # Renders approved GCS minutes whose on-commit render task was lost (worker
    # down or killed), so circulation never waits on a missing PDF.
    Declared(
        "kinfolk.gcs.render_pending_minutes",
        "supervision.tasks.render_pending_minutes",
        Schedule.MINUTES,
        minutes=5,
    ),
    # Deletes sent outbox rows older than KINFOLK_OUTBOX_KEEP_DAYS (they hold email text).
    Declared(
        "kinfolk.outbox.clean_up",
        "core.tasks.clean_up_outbox",
        Schedule.DAILY,
        at=dt.time(3, 30),
    ),
]


@transaction.atomic
def setup_schedules(declared: list[Declared] | None = None) -> dict[str, list[str]]:
    """Create or update the declared schedules and remove stale Kinfolk ones. Idempotent."""
    declared = SCHEDULES if declared is None else declared
    names = [item.name for item in declared]
    if len(names) != len(set(names)):
        raise ValueError("Two schedules share a name.")
    report: dict[str, list[str]] = {
        "created": [],
        "updated": [],
        "unchanged": [],
        "removed": [],
    }
    for item in declared:
        wanted = {
            "func": item.func,
            "schedule_type": item.schedule_type,
            "minutes": item.minutes,
            "repeats": -1,
        }
        schedule = Schedule.objects.filter(name=item.name).first()
        if schedule is None:
            Schedule.objects.create(name=item.name, next_run=item.first_run(), **wanted)
            report["created"].append(item.name)
        elif any(getattr(schedule, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(schedule, field, value)
            schedule.save()
            report["updated"].append(item.name)
        else:
            report["unchanged"].append(item.name)
    stale = Schedule.objects.filter(name__startswith=MANAGED_PREFIX).exclude(name__in=names)
    report["removed"] = list(stale.values_list("name", flat=True))
    stale.delete()
    return report
