"""django-q2 tasks of the diary. Each takes ids (or nothing) and calls one service.

The periodic ones are declared in diary/apps.py; every one is safe to run twice
at once (reminders are claimed with SELECT … FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

from diary import itip, reminders


def send_due_reminders() -> dict[str, int]:
    return reminders.send_due_reminders()


def poll_organiser_mailbox() -> int:
    return itip.poll_mailbox()
