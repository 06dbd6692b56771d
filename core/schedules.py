"""Every periodic django-q2 job of Kinfolk, set up from what the apps declare.

Each app declares its own jobs in its AppConfig's `schedules()` (core/registry.py),
each with a comment saying why it exists; `manage.py setup_schedules --list` prints
them all. `setup_schedules` creates or updates them by name and removes schedules
that are no longer declared (`make run` calls it).

django-q2 runs with catch_up off (a worker back from an outage runs a missed
schedule once, not once per missed slot) and a task timeout shorter than its
retry interval (config/settings.py), so the ORM broker never hands a slow run
to a second worker. Every job is also safe to run twice at once.
"""

from __future__ import annotations

from django.db import transaction
from django_q.models import Schedule

from core.registry import Declared, declared_schedules

MANAGED_PREFIX = "kinfolk."


@transaction.atomic
def setup_schedules(declared: list[Declared] | None = None) -> dict[str, list[str]]:
    """Create or update the declared schedules and remove stale Kinfolk ones. Idempotent."""
    declared = declared_schedules() if declared is None else declared
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
