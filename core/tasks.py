"""django-q2 tasks of core. Each takes ids (or nothing) and calls one service.

The periodic ones are declared in core/schedules.py; every one is safe to run
twice at once (rows are claimed with a lease or SELECT … FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

from core import itip, outbox, reminders


def send_outbox_message(message_id: int) -> str:
    return outbox.send_message(message_id)


def sweep_outbox() -> int:
    return outbox.send_due_messages()


def clean_up_outbox() -> int:
    return outbox.clean_up_sent()


def send_due_reminders() -> dict[str, int]:
    return reminders.send_due_reminders()


def poll_organiser_mailbox() -> int:
    return itip.poll_mailbox()
