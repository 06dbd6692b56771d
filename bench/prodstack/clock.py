"""The check's clock: every process it starts reads Django's `timezone.now()` a fixed offset ahead.

Reminders fall due at whole working days before a meeting, at the meeting's
wall-clock time, so a run on a Saturday (or a bank holiday) has nothing that can
fall due within minutes. The check therefore sets the whole stack's clock to a
Wednesday morning chosen in the future (both neighbouring days working days)
and lets real minutes pass from there: due times, schedules, sessions and leases
all advance at the ordinary pace. Only `django.utils.timezone.now` is shifted
(what Kinfolk, django-q2's scheduler and Django's sessions read); `time.time()`
is not, so TOTP codes, signed links and gunicorn's own timers are untouched and
agree between processes.

    python -m bench.prodstack.clock gunicorn config.wsgi:application --bind …
    python -m bench.prodstack.clock manage.py qcluster

run the documented commands with the offset in KINFOLK_PRODSTACK_CLOCK_OFFSET
(seconds) applied before Django is imported; gunicorn's and django-q2's workers
are forked, so they inherit it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

OFFSET_ENV = "KINFOLK_PRODSTACK_CLOCK_OFFSET"


def install() -> float:
    """Shift `django.utils.timezone.now` by the offset in the environment; returns it."""
    offset = float(os.environ.get(OFFSET_ENV) or 0)
    if offset:
        from django.utils import timezone

        if not getattr(timezone.now, "prodstack_shifted", False):
            real_now = timezone.now
            delta = dt.timedelta(seconds=offset)

            def now() -> dt.datetime:
                return real_now() + delta

            now.prodstack_shifted = True  # type: ignore[attr-defined]
            # The module global, so `localtime()`, `localdate()` and every later
            # `from django.utils.timezone import now` (model defaults) read it too.
            timezone.now = now
    return offset


def main(argv: list[str]) -> None:
    install()
    program, *args = argv
    if program == "gunicorn":
        from gunicorn.app.wsgiapp import run  # type: ignore[import-untyped]

        sys.argv = ["gunicorn", *args]
        run()
    elif program == "manage.py":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", *args])
    else:
        raise SystemExit(f"Unknown program {program!r}: gunicorn or manage.py.")


if __name__ == "__main__":
    main(sys.argv[1:])
