"""The schedule registry: every app's periodic jobs set up by name, idempotently."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django_q.models import Schedule

from core import schedules
from core.registry import declared_schedules


def test_setting_up_schedules_is_idempotent_and_removes_undeclared_ones(db: None) -> None:
    Schedule.objects.create(name="kinfolk.old.job", func="outbox.tasks.sweep_outbox", schedule_type=Schedule.HOURLY)
    out = io.StringIO()
    call_command("setup_schedules", stdout=out)
    assert "removed: kinfolk.old.job" in out.getvalue()
    declared = {s.name for s in declared_schedules()}
    assert set(Schedule.objects.values_list("name", flat=True)) == declared
    assert schedules.setup_schedules()["unchanged"] == sorted(
        declared, key=[s.name for s in declared_schedules()].index
    )
    sweep = Schedule.objects.get(name="kinfolk.outbox.sweep")
    assert (sweep.func, sweep.schedule_type, sweep.minutes, sweep.repeats) == ("outbox.tasks.sweep_outbox", "I", 1, -1)


def test_the_job_settings_keep_task_timeouts_under_the_retry_and_catch_up_off(settings: Any) -> None:
    assert settings.Q_CLUSTER["timeout"] < settings.Q_CLUSTER["retry"]
    assert settings.Q_CLUSTER["catch_up"] is False
    assert settings.Q_CLUSTER["timeout"] < settings.KINFOLK_OUTBOX_LEASE_SECONDS


def test_the_tasks_named_by_the_schedules_exist() -> None:
    import importlib

    for declared in declared_schedules():
        module, _, name = declared.func.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name))


def test_each_app_declares_only_the_jobs_whose_tasks_it_owns() -> None:
    from core.registry import kinfolk_apps

    owners = {declared.name: app.name for app in kinfolk_apps() for declared in app.schedules()}
    assert owners, "no app declared a schedule"
    for app in kinfolk_apps():
        for declared in app.schedules():
            assert declared.func.split(".")[0] == app.name, f"{declared.name} runs another app's task"
    assert owners["kinfolk.outbox.sweep"] == "outbox"
    assert owners["kinfolk.gcs.render_pending_minutes"] == "supervision"
