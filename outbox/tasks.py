"""django-q2 tasks of the outbox. Each takes ids (or nothing) and calls one service.

The periodic ones are declared in outbox/apps.py; every one is safe to run twice
at once (rows are claimed with a lease).
"""

from __future__ import annotations

from outbox import services


def send_outbox_message(message_id: int) -> str:
    return services.send_message(message_id)


def sweep_outbox() -> int:
    return services.send_due_messages()


def clean_up_outbox() -> int:
    return services.clean_up_sent()
