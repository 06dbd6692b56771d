from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from diary.reminders import send_due_reminders
from outbox.services import send_due_messages


class Command(BaseCommand):
    help = "Run the reminder job and the outbox sweep once (what the every-minute schedules do)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"reminders: {send_due_reminders()}")
        self.stdout.write(f"outbox: {send_due_messages()} sent")
